/**
 * A small evaluator for the Terraform expressions this module uses, so that tests check what a
 * configuration evaluates to for chosen variable values rather than how it is spelled.
 * Expressions are parsed with HashiCorp's HCL parser (hcl2json's getExpressionAst). What only
 * AWS knows (an ARN, an id) stays a reference, written as hcl2json writes one with the instance
 * key filled in: `${aws_cloudwatch_log_group.function["standard"].arn}`.
 */
import { existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { getExpressionAst } from '@cdktn/hcl2json';
import { blockBodies, type HclBody, type HclValue, isBody } from './hcl.js';
import type { Module } from './module.js';

// ── A small evaluator for the expressions this module uses ──────────────────────────────────

/** A value only known after apply (an ARN, an id), kept as the reference it comes from. */
export class Unknown {
  constructor(
    /** As hcl2json writes it: `${aws_x.y["k"].arn}`, or a template with such parts. */
    readonly text: string,
    /** The expression, when the value is one, so that a traversal can continue it. */
    readonly expression?: string,
  ) {}

  static of(expression: string): Unknown {
    return new Unknown(`\${${expression}}`, expression);
  }
}

type Value = string | number | boolean | null | Unknown | Value[] | { [key: string]: Value };
type ValueObject = { [key: string]: Value };
type Scope = Record<string, Value>;
type TraversalPart = { type: string; segment: string };

interface AstNode {
  type: string;
  children: AstNode[];
  meta?: {
    value?: string;
    type?: string;
    name?: string;
    operator?: string;
    keyVar?: string;
    valVar?: string;
    openRangeValue?: string;
    groupedValue?: boolean;
    expandedFinalArgument?: boolean;
    items?: Record<string, string>;
    traversal?: TraversalPart[];
  };
}

const isObject = (value: Value | undefined): value is ValueObject =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof Unknown);

const hasUnknown = (value: Value): boolean =>
  value instanceof Unknown ||
  (Array.isArray(value) && value.some(hasUnknown)) ||
  (isObject(value) && Object.values(value).some(hasUnknown));

/** A value back as HCL source, to write an unknown call such as `one(aws_x.y)`. */
const render = (value: Value): string => {
  if (value instanceof Unknown) return value.expression ?? JSON.stringify(value.text);
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
  if (isObject(value)) {
    const items = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)} = ${render(v)}`);
    return `{ ${items.join(', ')} }`;
  }
  return typeof value === 'string' ? JSON.stringify(value).replaceAll('${', '$${') : String(value);
};

/** Unknowns as their text, so results compare with plain expectations. */
const plain = (value: Value): HclValue => {
  if (value instanceof Unknown) return value.text;
  if (Array.isArray(value)) return value.map(plain);
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
};

/** Terraform's jsonencode: object keys in lexical order, no spaces, and <, > and & escaped. */
const jsonencode = (value: Value): string =>
  JSON.stringify(value, (_key, item: Value) =>
    isObject(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)))
      : item,
  )
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026');

/** A template's literal part as the parser hands it over, still written as in the source. */
const decodeLiteral = (literal: string): string =>
  literal.replace(
    /\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{/g,
    (match, sequence?: string) => {
      if (sequence === undefined) return match.slice(1);
      if (/^[uU]/.test(sequence)) {
        return String.fromCodePoint(Number.parseInt(sequence.slice(1), 16));
      }
      return { n: '\n', r: '\r', t: '\t' }[sequence] ?? sequence;
    },
  );

const astCache = new Map<string, Promise<AstNode>>();
const parseExpression = (source: string): Promise<AstNode> => {
  let cached = astCache.get(source);
  if (!cached) {
    cached = getExpressionAst('expression.tf', source).then((ast) => {
      if (!ast) throw new Error(`no expression in ${source}`);
      return ast as unknown as AstNode;
    });
    astCache.set(source, cached);
  }
  return cached;
};

/**
 * Where the `${` interpolation that opens at `start` closes: the index of its matching brace,
 * skipping over strings inside it.
 */
export const interpolationEnd = (text: string, start: number): number => {
  let depth = 0;
  let end = start + 1;
  for (let quoted = false; end < text.length; end++) {
    const char = text[end];
    if (quoted) {
      if (char === '\\') end++;
      else if (char === '"') quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) break;
  }
  return end;
};

/**
 * hcl2json's text of a template back as a quoted HCL string: it decodes the escapes of the
 * literal parts (`\"`, `\\`, `\n`) but keeps `$${` and the `${...}` parts as written, so those
 * are escaped again there, and only there.
 */
const quoteTemplate = (text: string): string => {
  let out = '';
  let at = 0;
  while (at < text.length) {
    const start = text.indexOf('${', at);
    const literalEnd = start < 0 ? text.length : start;
    let literal = text.slice(at, literalEnd);
    // `$${` is an escaped `${`: literal text.
    if (start > 0 && text[start - 1] === '$') literal = text.slice(at, start + 2);
    out += literal.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
    if (start < 0) break;
    if (start > 0 && text[start - 1] === '$') {
      at = start + 2;
      continue;
    }
    const end = interpolationEnd(text, start);
    out += text.slice(start, end + 1);
    at = end + 1;
  }
  return `"${out}"`;
};

/** An hcl2json string: a whole expression `${...}`, else a template. */
const parseString = async (text: string): Promise<AstNode> => {
  const whole = /^\$\{([\s\S]*)\}$/.exec(text);
  if (whole?.[1] !== undefined) {
    try {
      return await parseExpression(whole[1]);
    } catch {
      // `${a}-${b}`: a template after all.
    }
  }
  return parseExpression(quoteTemplate(text));
};

const entriesOf = (collection: Value, what: string): [string | number, Value][] => {
  if (Array.isArray(collection)) return collection.map((item, index) => [index, item]);
  if (isObject(collection)) {
    return Object.keys(collection)
      .sort()
      .map((key) => [key, collection[key] ?? null]);
  }
  throw new Error(`${what} is not a collection: ${render(collection)}`);
};

const step = (value: Value, key: string | number, attribute: boolean): Value => {
  if (value instanceof Unknown) {
    if (value.expression === undefined) throw new Error(`cannot index ${value.text}`);
    const suffix = attribute ? `.${key}` : `[${JSON.stringify(key)}]`;
    return Unknown.of(`${value.expression}${suffix}`);
  }
  if (Array.isArray(value) && typeof key === 'number' && !attribute) {
    if (key >= value.length) throw new Error(`index ${key} out of range`);
    return value[key] ?? null;
  }
  if (isObject(value) && Object.hasOwn(value, String(key))) return value[String(key)] ?? null;
  throw new Error(`${render(value)} has no ${attribute ? 'attribute' : 'key'} ${key}`);
};

const FUNCTION_CALLS: Record<string, (...args: Value[]) => Value> = {
  one: (list) => {
    if (list instanceof Unknown) return Unknown.of(`one(${render(list)})`);
    if (!Array.isArray(list) || list.length > 1) throw new Error('one() wants at most one element');
    return list[0] ?? null;
  },
  length: (value) => {
    if (typeof value === 'string' || Array.isArray(value)) return value.length;
    if (isObject(value)) return Object.keys(value).length;
    throw new Error(`length() of ${render(value)}`);
  },
  keys: (value) =>
    isObject(value) ? Object.keys(value).sort() : Unknown.of(`keys(${render(value)})`),
  toset: (value) => {
    if (!Array.isArray(value)) throw new Error('toset() wants a list');
    return [...new Set(value.map(String))].sort();
  },
  // The first argument that is neither null nor "" (an unknown is never either, here).
  coalesce: (...values) =>
    values.find((value) => value instanceof Unknown || (value !== null && value !== '')) ??
    (() => {
      throw new Error('coalesce() of nothing but nulls');
    })(),
  merge: (...objects) => {
    if (objects.some((object) => object instanceof Unknown)) {
      return Unknown.of(`merge(${objects.map(render).join(', ')})`);
    }
    const out: ValueObject = {};
    for (const object of objects) {
      if (object === null) continue;
      if (!isObject(object)) throw new Error(`merge() of ${render(object)}`);
      Object.assign(out, object);
    }
    return out;
  },
};

/** Functions of known values only; with an unknown argument the result stays unknown. */
const KNOWN_ONLY_CALLS: Record<string, (...args: Value[]) => Value> = {
  jsonencode: (value) => jsonencode(value),
  fileexists: (path) => existsSync(String(path)),
  max: (...numbers) => Math.max(...numbers.map(Number)),
  min: (...numbers) => Math.min(...numbers.map(Number)),
  floor: (number) => Math.floor(Number(number)),
  join: (separator, list) => {
    if (!Array.isArray(list)) throw new Error('join() wants a list');
    return list.map(String).join(String(separator));
  },
  contains: (list, item) => Array.isArray(list) && list.some((x) => isDeepStrictEqual(x, item)),
  regex: (pattern, text) => {
    const match = new RegExp(String(pattern)).exec(String(text));
    if (!match) throw new Error(`regex() found no match for ${String(pattern)}`);
    return match.length > 1 ? match.slice(1).map((group) => group ?? null) : match[0];
  },
};

const BINARY: Record<string, (left: Value, right: Value) => Value> = {
  equal: (l, r) => isDeepStrictEqual(l, r),
  notEqual: (l, r) => !isDeepStrictEqual(l, r),
  logicalAnd: (l, r) => l === true && r === true,
  logicalOr: (l, r) => l === true || r === true,
  greaterThan: (l, r) => Number(l) > Number(r),
  greaterThanOrEqual: (l, r) => Number(l) >= Number(r),
  lessThan: (l, r) => Number(l) < Number(r),
  lessThanOrEqual: (l, r) => Number(l) <= Number(r),
  add: (l, r) => Number(l) + Number(r),
  subtract: (l, r) => Number(l) - Number(r),
  multiply: (l, r) => Number(l) * Number(r),
};

/** Evaluates the module's values for one set of variables, as `terraform plan` would. */
export class Evaluator {
  private readonly locals = new Map<string, Promise<Value>>();

  constructor(
    private readonly mod: Module,
    private readonly vars: Record<string, HclValue>,
    private readonly moduleDir: string,
  ) {}

  /** One hcl2json value: literals as they are, strings as expressions or templates. */
  async value(value: HclValue | undefined, scope: Scope = {}): Promise<Value> {
    if (value === undefined) return null;
    if (typeof value === 'string') {
      if (!value.includes('${') && !value.includes('%{')) return value;
      return this.node(await parseString(value), scope);
    }
    if (Array.isArray(value)) {
      const items: Value[] = [];
      for (const item of value) items.push(await this.value(item, scope));
      return items;
    }
    if (isBody(value)) return this.body(value, scope);
    return value;
  }

  /** A body, with its dynamic blocks expanded after the static ones of the same name. */
  private async body(body: HclBody, scope: Scope): Promise<ValueObject> {
    const out: ValueObject = {};
    for (const [name, item] of Object.entries(body)) {
      if (name !== 'dynamic') out[name] = await this.value(item, scope);
    }
    const dynamic = isBody(body.dynamic) ? body.dynamic : {};
    for (const [name, generators] of Object.entries(dynamic)) {
      for (const generator of blockBodies(generators) ?? []) {
        if (generator.iterator !== undefined) throw new Error('dynamic iterator is not supported');
        const blocks = Array.isArray(out[name]) ? (out[name] as Value[]) : [];
        const content = blockBodies(generator.content)?.[0] ?? {};
        const collection = await this.value(generator.for_each, scope);
        for (const [key, value] of entriesOf(collection, `dynamic "${name}"`)) {
          blocks.push(await this.body(content, { ...scope, [name]: { key, value } }));
        }
        out[name] = blocks;
      }
    }
    return out;
  }

  private async node(node: AstNode, scope: Scope): Promise<Value> {
    const meta = node.meta ?? {};
    const child = (index: number): Promise<Value> => {
      const found = node.children[index];
      if (!found) throw new Error(`incomplete ${node.type}: ${meta.value}`);
      return this.node(found, scope);
    };
    switch (node.type) {
      case 'literalValue':
        if (meta.type === 'string') return decodeLiteral(meta.value ?? '');
        if (meta.type === 'number') return Number(meta.value);
        if (meta.type === 'bool') return meta.value === 'true';
        return null;
      case 'templateWrap':
      case '': // (parentheses)
        return child(0);
      case 'template': {
        const parts: Value[] = [];
        for (const part of node.children) parts.push(await this.node(part, scope));
        if (parts.some((part) => part instanceof Unknown)) {
          return new Unknown(
            parts.map((p) => (p instanceof Unknown ? p.text : String(p))).join(''),
          );
        }
        return parts.map(String).join('');
      }
      case 'tuple': {
        const items: Value[] = [];
        for (const item of node.children) items.push(await this.node(item, scope));
        return items;
      }
      case 'object': {
        const out: ValueObject = {};
        for (const [key, source] of Object.entries(meta.items ?? {})) {
          const name = /^[A-Za-z_][\w-]*$/.test(key)
            ? key
            : await this.node(await parseExpression(key), scope);
          if (typeof name !== 'string') throw new Error(`object key ${key} is not a string`);
          out[name] = await this.node(await parseExpression(source), scope);
        }
        return out;
      }
      case 'scopeTraversal':
        return this.traversal(meta.traversal ?? [], scope);
      case 'relativeTraversal':
        return this.steps(await child(0), meta.traversal ?? []);
      case 'index': {
        const key = await child(1);
        if (typeof key !== 'string' && typeof key !== 'number') throw new Error('unknown index');
        return step(await child(0), key, false);
      }
      case 'splat': {
        const source = await child(0);
        const each = node.children[1];
        const traversal = each?.type === 'relativeTraversal' ? (each.meta?.traversal ?? []) : [];
        if (source instanceof Unknown) return Unknown.of(`${render(source)}[*]`);
        const list = Array.isArray(source) ? source : source === null ? [] : [source];
        return list.map((item) => this.steps(item, traversal));
      }
      case 'conditional': {
        const condition = await child(0);
        if (typeof condition !== 'boolean') throw new Error(`condition of ${meta.value}`);
        return child(condition ? 1 : 2);
      }
      case 'unaryOp': {
        const operand = await child(0);
        if (meta.operator === 'logicalNot' && typeof operand === 'boolean') return !operand;
        if (meta.operator === 'negate' && typeof operand === 'number') return -operand;
        throw new Error(`unsupported ${meta.value}`);
      }
      case 'binaryOp': {
        const operation = BINARY[meta.operator ?? ''];
        const left = await child(0);
        const right = await child(1);
        // The unknowns here are ARNs, names and ids, never null.
        const isNull = (value: Value) => (value instanceof Unknown ? false : value === null);
        if (meta.operator === 'equal' && (left === null || right === null)) {
          return isNull(left) && isNull(right);
        }
        if (meta.operator === 'notEqual' && (left === null || right === null)) {
          return !(isNull(left) && isNull(right));
        }
        if (!operation || hasUnknown(left) || hasUnknown(right)) {
          throw new Error(`unsupported ${meta.value}`);
        }
        return operation(left, right);
      }
      case 'for':
        return this.forExpression(node, scope);
      case 'function': {
        const name = meta.name ?? '';
        if (name === 'can') {
          try {
            await child(0);
            return true;
          } catch {
            return false;
          }
        }
        if (meta.expandedFinalArgument) throw new Error(`expanded arguments in ${meta.value}`);
        const args: Value[] = [];
        for (const arg of node.children) args.push(await this.node(arg, scope));
        const structural = FUNCTION_CALLS[name];
        if (structural) return structural(...args);
        const known = KNOWN_ONLY_CALLS[name];
        if (!known) throw new Error(`function ${name} is not supported`);
        return args.some(hasUnknown)
          ? Unknown.of(`${name}(${args.map(render).join(', ')})`)
          : known(...args);
      }
      default:
        throw new Error(`unsupported expression (${node.type}): ${meta.value}`);
    }
  }

  private async forExpression(node: AstNode, scope: Scope): Promise<Value> {
    const meta = node.meta ?? {};
    if (meta.groupedValue) throw new Error('grouped for expressions are not supported');
    const toObject = meta.openRangeValue === '{';
    const [collectionNode, ...rest] = node.children;
    const [keyNode, valueNode, conditionNode] = toObject ? rest : [undefined, ...rest];
    if (!collectionNode || !valueNode) throw new Error(`incomplete for: ${meta.value}`);
    const collection = await this.node(collectionNode, scope);
    const list: Value[] = [];
    const object: ValueObject = {};
    for (const [key, value] of entriesOf(collection, 'for collection')) {
      const inner: Scope = { ...scope, [meta.valVar ?? '']: value };
      if (meta.keyVar) inner[meta.keyVar] = key;
      if (conditionNode) {
        const keep = await this.node(conditionNode, inner);
        if (typeof keep !== 'boolean') throw new Error(`for condition of ${meta.value}`);
        if (!keep) continue;
      }
      const result = await this.node(valueNode, inner);
      if (!keyNode) {
        list.push(result);
        continue;
      }
      const name = await this.node(keyNode, inner);
      if (typeof name !== 'string') throw new Error(`for key of ${meta.value}`);
      object[name] = result;
    }
    return toObject ? object : list;
  }

  private steps(value: Value, traversal: TraversalPart[]): Value {
    return traversal.reduce<Value>((current, part) => {
      const attribute = part.type === 'nameTraversal';
      const key = attribute ? part.segment : (JSON.parse(part.segment) as string | number);
      return step(current, key, attribute);
    }, value);
  }

  private async traversal(parts: TraversalPart[], scope: Scope): Promise<Value> {
    const [root, first, second] = parts.map((part) => part.segment);
    const at = (count: number) => parts.slice(count);
    if (root === undefined) throw new Error('empty traversal');
    if (Object.hasOwn(scope, root)) return this.steps(scope[root] ?? null, at(1));
    if (root === 'var' && first !== undefined) {
      if (!Object.hasOwn(this.vars, first)) throw new Error(`var.${first} is not declared`);
      return this.steps(this.vars[first] ?? null, at(2));
    }
    if (root === 'local' && first !== undefined) return this.steps(await this.local(first), at(2));
    if (root === 'path' && first === 'module') return this.steps(this.moduleDir, at(2));
    if (root === 'each' || root === 'count') throw new Error(`${root} used outside its block`);
    if (root === 'data' && first !== undefined && second !== undefined) {
      return this.steps(await this.instancesOf(`data.${first}.${second}`), at(3));
    }
    if (first === undefined) throw new Error(`unknown name ${root}`);
    return this.steps(await this.instancesOf(`${root}.${first}`), at(2));
  }

  private local(name: string): Promise<Value> {
    let cached = this.locals.get(name);
    if (!cached) {
      const declared = this.mod.locals[name];
      if (!declared) throw new Error(`local.${name} is not declared`);
      cached = this.value(declared.value);
      this.locals.set(name, cached);
    }
    return cached;
  }

  private block(address: string): HclBody {
    const found = address.startsWith('data.')
      ? this.mod.data[address.slice('data.'.length)]
      : this.mod.resources[address];
    if (!found) throw new Error(`${address} is not declared`);
    return found.body;
  }

  /** The instances of a resource: a list with count, a map with for_each, else one. */
  async instancesOf(address: string): Promise<Value> {
    const body = this.block(address);
    if (body.count !== undefined) {
      const count = await this.value(body.count);
      if (typeof count !== 'number') throw new Error(`count of ${address}`);
      return Array.from({ length: count }, (_, index) => Unknown.of(`${address}[${index}]`));
    }
    if (body.for_each !== undefined) {
      const forEach = await this.value(body.for_each);
      const keys = Array.isArray(forEach)
        ? forEach.map(String)
        : entriesOf(forEach, `for_each of ${address}`).map(([key]) => String(key));
      return Object.fromEntries(
        keys.map((key) => [key, Unknown.of(`${address}[${JSON.stringify(key)}]`)]),
      );
    }
    return Unknown.of(address);
  }

  /** The keys (for_each) or indices (count) of a resource's instances. */
  async keysOf(address: string): Promise<(string | number)[]> {
    const instances = await this.instancesOf(address);
    if (Array.isArray(instances)) return instances.map((_, index) => index);
    if (isObject(instances)) return Object.keys(instances);
    throw new Error(`${address} has neither count nor for_each`);
  }

  /** One instance's body, evaluated, dynamic blocks expanded. */
  async instance(address: string, key?: string | number): Promise<HclBody> {
    const body = this.block(address);
    let scope: Scope = {};
    if (body.for_each !== undefined) {
      const forEach = await this.value(body.for_each);
      const each = Array.isArray(forEach)
        ? forEach.find((item) => item === key)
        : isObject(forEach) && typeof key === 'string'
          ? forEach[key]
          : undefined;
      if (each === undefined) throw new Error(`${address} has no instance ${String(key)}`);
      scope = { each: { key: String(key), value: each } };
    } else if (body.count !== undefined) {
      if (!(await this.keysOf(address)).includes(key ?? -1)) {
        throw new Error(`${address} has no instance ${String(key)}`);
      }
      scope = { count: { index: key ?? 0 } };
    }
    return plain(await this.body(body, scope)) as HclBody;
  }

  async evaluate(value: HclValue | undefined): Promise<HclValue> {
    return plain(await this.value(value));
  }
}

/** An evaluator for `mod` with its variables' defaults, overridden by `vars`. */
export const moduleEvaluator = (
  mod: Module,
  vars: Record<string, HclValue> = {},
  moduleDir = '.',
): Evaluator => {
  const defaults = Object.fromEntries(
    Object.entries(mod.variables).map(([name, { body }]) => [name, body.default ?? null]),
  );
  return new Evaluator(mod, { ...defaults, ...vars }, moduleDir);
};
