/**
 * What the mission needs from the Terraform module, checked on what the configuration evaluates
 * to rather than on how it is spelled: the prompts, tenant isolation on the isolated function
 * only, the header mapping and validator, least privilege, the names users know, and the README
 * tables. Where main.tf and the TypeScript side must agree, the tests compare the two.
 *
 * Expressions are parsed with HashiCorp's HCL parser (hcl2json's getExpressionAst) and evaluated
 * by the small evaluator below, for chosen variable values. What only AWS knows (an ARN, an id)
 * stays a reference, written as hcl2json writes one with the instance key filled in:
 * `${aws_cloudwatch_log_group.function["standard"].arn}`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { getExpressionAst } from '@cdktn/hcl2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionKeys } from '../../scripts/build.js';
import { referencesIn } from '../../scripts/lib/terraform/expressions.js';
import {
  blockBodies,
  type HclBody,
  type HclValue,
  isBody,
} from '../../scripts/lib/terraform/hcl.js';
import { loadModule, type Module } from '../../scripts/lib/terraform/module.js';
import { docsSection, terraformDocs } from '../../scripts/lib/terraform/terraform-docs.js';
import { tenantCounterKey } from '../../src/domain/counter-keys.js';
import { InvalidTenantIdError, TENANT_ID_RULE } from '../../src/domain/tenant-id.js';
import { createTableInput, tableName } from '../../src/local/dynamodb/table.js';
import { TENANT_ID_UNAUTHORIZED } from '../../src/local/gateway/answers.js';
import { CORS_HEADERS } from '../../src/local/gateway/routes.js';
import { bundlePath, FUNCTIONS, type FunctionKey } from '../../src/local/lambda/functions.js';
import { parseOptions } from '../../src/local/options.js';
import { TENANT_TAG_KEY } from '../../src/store/tenant-scoped-credentials.js';
import { REPO_ROOT } from './support/paths.js';

// ── A small evaluator for the expressions this module uses ──────────────────────────────────

/** A value only known after apply (an ARN, an id), kept as the reference it comes from. */
class Unknown {
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

/** Terraform's jsonencode: object keys in lexical order. */
const jsonencode = (value: Value): string =>
  JSON.stringify(value, (_key, item: Value) =>
    isObject(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)))
      : item,
  );

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
  return parseExpression(`"${text}"`);
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
};

/** Functions of known values only; with an unknown argument the result stays unknown. */
const KNOWN_ONLY_CALLS: Record<string, (...args: Value[]) => Value> = {
  jsonencode: (value) => jsonencode(value),
  fileexists: (path) => existsSync(String(path)),
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
};

/** Evaluates the module's values for one set of variables, as `terraform plan` would. */
class Evaluator {
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

// ── The module ──────────────────────────────────────────────────────────────────────────────

let mod: Module;
beforeAll(async () => {
  mod = await loadModule(REPO_ROOT);
});

/** The two prompted variables, with values any deployment could give. */
const PROMPTED = { aws_region: 'us-east-1', prefix: 'acme' };

const evaluator = (vars: Record<string, HclValue> = {}, moduleDir = '.'): Evaluator => {
  const defaults = Object.fromEntries(
    Object.entries(mod.variables).map(([name, { body }]) => [name, body.default ?? null]),
  );
  return new Evaluator(mod, { ...defaults, ...PROMPTED, ...vars }, moduleDir);
};

const resource = (address: string): HclBody => {
  const block = mod.resources[address] ?? mod.data[address];
  if (!block) throw new Error(`${address} is not declared`);
  return block.body;
};

const block = (body: HclBody, name: string): HclBody => {
  const found = blockBodies(body[name])?.[0];
  if (!found) throw new Error(`block ${name} missing`);
  return found;
};

/** The strings in an hcl2json value. */
const stringsIn = (value: HclValue | undefined): string[] => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  return isBody(value) ? Object.values(value).flatMap(stringsIn) : [];
};

/** The resources (`aws_x.y`) an unevaluated value refers to, e.g. in depends_on or triggers. */
const referencedAddresses = (value: HclValue | undefined): string[] =>
  stringsIn(value)
    .flatMap(referencesIn)
    .flatMap((ref) => {
      const name = ref.parts[0];
      return name?.kind === 'attr' ? [`${ref.root}.${name.name}`] : [];
    });

const authorizerSettings = [true, false] as const;

/** Whether every validation of a variable accepts the value, evaluated as Terraform would. */
const accepts = async (variable: string, value: HclValue): Promise<boolean> => {
  const validations = blockBodies(mod.variables[variable]?.body.validation) ?? [];
  if (validations.length === 0) throw new Error(`var.${variable} has no validation`);
  const ev = evaluator({ [variable]: value });
  for (const validation of validations) {
    if ((await ev.evaluate(validation.condition)) !== true) return false;
  }
  return true;
};

// ── Tests ───────────────────────────────────────────────────────────────────────────────────

describe('variables', () => {
  it('asks at apply time for exactly aws_region and prefix', () => {
    const prompted = Object.entries(mod.variables)
      .filter(([, variable]) => !Object.hasOwn(variable.body, 'default'))
      .map(([name]) => name)
      .sort();
    expect(prompted).toEqual(['aws_region', 'prefix']);
  });

  it('gives every variable a type and a description', () => {
    for (const [name, { body }] of Object.entries(mod.variables)) {
      expect(body.type, name).toMatch(/^\$\{.+\}$/);
      expect(String(body.description ?? '').length, name).toBeGreaterThan(20);
    }
  });

  it.each([
    ['us-east-1', true],
    ['eu-central-2', true],
    ['us-gov-west-1', true],
    ['US-EAST-1', false],
    ['us-east', false],
    ['useast1', false],
  ])('treats the region %j as valid: %s', async (region, valid) => {
    expect(await accepts('aws_region', region)).toBe(valid);
  });

  it('defaults to what the local stack does: stage, timeout, memory and the authorizer', () => {
    const local = parseOptions([], {});
    const defaults = (name: string) => mod.variables[name]?.body.default;
    expect({
      stage: defaults('stage_name'),
      timeoutMs: Number(defaults('lambda_timeout')) * 1000,
      memoryMb: defaults('lambda_memory_size'),
      authorizer: defaults('tenant_id_authorizer'),
    }).toEqual({
      stage: local.stage,
      timeoutMs: local.timeoutMs,
      memoryMb: local.memoryMb,
      authorizer: local.authorizer,
    });
  });
});

describe('prefix length', () => {
  const longestAccepted = async (): Promise<string> => {
    let prefix = 'a';
    while (await accepts('prefix', `${prefix}a`)) prefix += 'a';
    return prefix;
  };

  it.each([
    ['acme', true],
    ['acme-demo-1', true],
    ['Acme', false],
    ['1acme', false],
    ['acme-', false],
    ['acme_demo', false],
    ['', false],
  ])('treats %j as valid: %s', async (prefix, valid) => {
    expect(await accepts('prefix', prefix)).toBe(valid);
  });

  it('keeps every IAM role and Lambda function name within 64 characters', async () => {
    const ev = evaluator({ prefix: await longestAccepted() });
    const names: string[] = [String((await ev.instance('aws_iam_role.tenant_data', 0)).name)];
    for (const key of await ev.keysOf('aws_lambda_function.this')) {
      names.push(String((await ev.instance('aws_iam_role.function', key)).name));
      names.push(String((await ev.instance('aws_lambda_function.this', key)).function_name));
    }
    expect(names.length).toBe(1 + 2 * functionKeys().length);
    expect(Math.max(...names.map((name) => name.length))).toBeLessThanOrEqual(64);
    // …and the bound is tight: one more character would break the longest name.
    expect(Math.max(...names.map((name) => name.length))).toBe(64);
  });
});

describe('functions', () => {
  const entries = (): Record<string, HclBody> => {
    const value = mod.locals.all_functions?.value;
    if (!isBody(value)) throw new Error('local.all_functions is missing');
    return value as Record<string, HclBody>;
  };

  it('declares one function per handler, with the same keys', () => {
    expect(Object.keys(entries()).sort()).toEqual(functionKeys());
  });

  it('gives every function the same attributes', () => {
    // hcl2json lists attributes sorted, so this cannot see their order in main.tf.
    const [first, ...others] = Object.values(entries()).map((entry) => Object.keys(entry));
    expect(first?.length).toBeGreaterThan(5);
    for (const attributes of others) expect(attributes).toEqual(first);
  });

  it.each(authorizerSettings)(
    'deploys the authorizer only when it is on, and routes standard and isolated (tenant_id_authorizer = %s)',
    async (authorizer) => {
      const ev = evaluator({ tenant_id_authorizer: authorizer });
      const deployed = Object.keys((await ev.evaluate('${local.functions}')) as HclBody);
      const routes = Object.keys((await ev.evaluate('${local.routes}')) as HclBody);
      expect(deployed.sort()).toEqual(
        authorizer ? ['authorizer', 'isolated', 'standard'] : ['isolated', 'standard'],
      );
      expect(routes.sort()).toEqual(['isolated', 'standard']);
    },
  );

  it.each(authorizerSettings)(
    'creates the function resources per function and the API resources per route (tenant_id_authorizer = %s)',
    async (authorizer) => {
      const ev = evaluator({ tenant_id_authorizer: authorizer });
      const deployed = Object.keys((await ev.evaluate('${local.functions}')) as HclBody).sort();
      const perFunction = [
        'aws_iam_role.function',
        'data.aws_iam_policy_document.function',
        'aws_iam_role_policy.function',
        'aws_cloudwatch_log_group.function',
        'data.archive_file.function',
        'aws_lambda_function.this',
      ];
      const perRoute = [
        'aws_api_gateway_resource.function',
        'aws_api_gateway_method.get',
        'aws_api_gateway_integration.get',
        'aws_api_gateway_method.options',
        'aws_api_gateway_integration.options',
        'aws_api_gateway_method_response.options',
        'aws_api_gateway_integration_response.options',
        'aws_lambda_permission.api_gateway',
      ];
      for (const address of perFunction)
        expect(await ev.keysOf(address), address).toEqual(deployed);
      for (const address of perRoute) {
        expect(await ev.keysOf(address), address).toEqual(['isolated', 'standard']);
      }
    },
  );

  it('zips the bundle the build writes, points the handler at it and deploys that zip', async () => {
    const ev = evaluator();
    for (const key of functionKeys()) {
      const archive = await ev.instance('data.archive_file.function', key);
      const bundle = bundlePath(key);
      expect(join(REPO_ROOT, String(archive.source_dir), basename(bundle))).toBe(bundle);
      const fn = await ev.instance('aws_lambda_function.this', key);
      expect(fn.handler).toBe(`${basename(bundle, '.mjs')}.handler`);
      expect(fn.filename).toBe(`\${data.archive_file.function["${key}"].output_path}`);
      expect(fn.source_code_hash).toBe(
        `\${data.archive_file.function["${key}"].output_base64sha256}`,
      );
    }
  });

  describe('when a bundle is missing', () => {
    const dirs: string[] = [];
    afterAll(() => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });
    const moduleDir = (withBundles: boolean): string => {
      const dir = mkdtempSync(join(tmpdir(), 'tf-module-'));
      dirs.push(dir);
      if (withBundles) {
        for (const key of functionKeys()) {
          mkdirSync(join(dir, 'dist', key), { recursive: true });
          writeFileSync(join(dir, 'dist', key, basename(bundlePath(key))), '');
        }
      }
      return dir;
    };

    it.each([true, false])(
      'stops the plan with a build hint (bundles present: %s)',
      async (withBundles) => {
        const ev = evaluator({}, moduleDir(withBundles));
        const scripts = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts;
        for (const key of functionKeys()) {
          const archive = await ev.instance('data.archive_file.function', key);
          const precondition = block(block(archive, 'lifecycle'), 'precondition');
          expect(precondition.condition, key).toBe(withBundles);
          expect(precondition.error_message).toContain(`dist/${key}/index.mjs is missing`);
          expect(precondition.error_message).toContain('npm run build');
          expect(scripts.build).toBeDefined();
        }
      },
    );
  });

  it('enables PER_TENANT isolation on the isolated function only', async () => {
    const ev = evaluator();
    for (const key of functionKeys()) {
      const fn = await ev.instance('aws_lambda_function.this', key);
      expect(fn.tenancy_config ?? [], key).toEqual(
        key === 'isolated' ? [{ tenant_isolation_mode: 'PER_TENANT' }] : [],
      );
      expect(((fn.tenancy_config ?? []) as HclValue[]).length > 0, key).toBe(
        FUNCTIONS[key as FunctionKey].tenantIsolation,
      );
    }
  });

  it.each([true, false])(
    'gives each function only the variables it reads (tenant_scoped_credentials = %s)',
    async (scoped) => {
      const ev = evaluator({ tenant_scoped_credentials: scoped });
      const variables = async (key: string) =>
        block(await ev.instance('aws_lambda_function.this', key), 'environment').variables;
      const table = { TABLE_NAME: '${aws_dynamodb_table.counters.name}' };
      expect(await variables('standard')).toEqual(table);
      expect(await variables('isolated')).toEqual(
        scoped ? { ...table, TENANT_DATA_ROLE_ARN: '${aws_iam_role.tenant_data[0].arn}' } : table,
      );
      expect(await variables('authorizer')).toEqual({});
    },
  );

  it('gives the table name to the same functions as the local stack does', async () => {
    const ev = evaluator();
    for (const key of functionKeys() as FunctionKey[]) {
      const fn = await ev.instance('aws_lambda_function.this', key);
      const variables = block(fn, 'environment').variables as HclBody;
      expect('TABLE_NAME' in variables, key).toBe(FUNCTIONS[key].usesTable);
    }
  });

  it('logs in JSON to its own log group, the one Lambda would name for it', async () => {
    const ev = evaluator();
    for (const key of functionKeys()) {
      const fn = await ev.instance('aws_lambda_function.this', key);
      const logging = block(fn, 'logging_config');
      expect(logging.log_format).toBe('JSON');
      expect(logging.log_group).toBe(`\${aws_cloudwatch_log_group.function["${key}"].name}`);
      const group = await ev.instance('aws_cloudwatch_log_group.function', key);
      expect(group.name).toBe(`/aws/lambda/${String(fn.function_name)}`);
    }
  });
});

describe('API Gateway', () => {
  it('is a REGIONAL REST API', () => {
    const api = resource('aws_api_gateway_rest_api.this');
    expect(block(api, 'endpoint_configuration').types).toEqual(['REGIONAL']);
  });

  it('requires x-tenant-id on /isolated through a parameter validator, and nothing on /standard', async () => {
    const ev = evaluator();
    const isolated = await ev.instance('aws_api_gateway_method.get', 'isolated');
    expect(isolated.request_parameters).toEqual({ 'method.request.header.x-tenant-id': true });
    expect(isolated.request_validator_id).toBe(
      '${aws_api_gateway_request_validator.parameters.id}',
    );
    const standard = await ev.instance('aws_api_gateway_method.get', 'standard');
    expect(standard.request_parameters).toEqual({});
    expect(standard.request_validator_id).toBeNull();
    expect(
      resource('aws_api_gateway_request_validator.parameters').validate_request_parameters,
    ).toBe(true);
  });

  it.each([
    [true, 'context.authorizer.tenantId'],
    [false, 'method.request.header.x-tenant-id'],
  ])(
    'maps X-Amz-Tenant-Id on /isolated only (tenant_id_authorizer = %s: from %s)',
    async (authorizer, source) => {
      const ev = evaluator({ tenant_id_authorizer: authorizer });
      expect(
        (await ev.instance('aws_api_gateway_integration.get', 'isolated')).request_parameters,
      ).toEqual({ 'integration.request.header.X-Amz-Tenant-Id': source });
      expect(
        (await ev.instance('aws_api_gateway_integration.get', 'standard')).request_parameters,
      ).toEqual({});
      expect(
        (await ev.instance('aws_api_gateway_method.get', 'standard')).request_parameters,
      ).toEqual({});
    },
  );

  it.each(authorizerSettings)(
    'puts the tenant id authorizer on GET /isolated only (tenant_id_authorizer = %s)',
    async (authorizer) => {
      const ev = evaluator({ tenant_id_authorizer: authorizer });
      const isolated = await ev.instance('aws_api_gateway_method.get', 'isolated');
      const standard = await ev.instance('aws_api_gateway_method.get', 'standard');
      expect([isolated.authorization, isolated.authorizer_id]).toEqual(
        authorizer ? ['CUSTOM', '${aws_api_gateway_authorizer.tenant_id[0].id}'] : ['NONE', null],
      );
      expect([standard.authorization, standard.authorizer_id]).toEqual(['NONE', null]);
      expect(await ev.keysOf('aws_api_gateway_authorizer.tenant_id')).toEqual(
        authorizer ? [0] : [],
      );
    },
  );

  it('runs the authorizer on the header /isolated requires, cached for the configured TTL', async () => {
    const ev = evaluator({ authorizer_cache_ttl_seconds: 42 });
    const authorizer = await ev.instance('aws_api_gateway_authorizer.tenant_id', 0);
    const method = await ev.instance('aws_api_gateway_method.get', 'isolated');
    expect(authorizer).toMatchObject({
      type: 'REQUEST',
      authorizer_uri: '${aws_lambda_function.this["authorizer"].invoke_arn}',
      authorizer_result_ttl_in_seconds: 42,
    });
    expect(Object.keys(method.request_parameters as HclBody)).toEqual([authorizer.identity_source]);
  });

  it('lets API Gateway invoke the authorizer only as this authorizer', async () => {
    const permission = await evaluator().instance('aws_lambda_permission.authorizer', 0);
    expect(permission.function_name).toBe(
      '${aws_lambda_function.this["authorizer"].function_name}',
    );
    expect(permission.source_arn).toBe(
      '${aws_api_gateway_rest_api.this.execution_arn}/authorizers/${aws_api_gateway_authorizer.tenant_id[0].id}',
    );
  });

  it.each(authorizerSettings)(
    'answers a refused or missing tenant id with the JSON 400 the function and the local stack send (tenant_id_authorizer = %s)',
    async (authorizer) => {
      const ev = evaluator({ tenant_id_authorizer: authorizer });
      const address = 'aws_api_gateway_gateway_response.tenant_id';
      expect(await ev.keysOf(address)).toEqual(authorizer ? ['ACCESS_DENIED', 'UNAUTHORIZED'] : []);
      if (!authorizer) return;
      const body = async (type: string) => {
        const response = await ev.instance(address, type);
        expect(response.status_code).toBe('400');
        return JSON.parse(String((response.response_templates as HclBody)['application/json']));
      };
      const refused = new InvalidTenantIdError();
      expect(await body('ACCESS_DENIED')).toEqual({
        error: refused.code,
        message: refused.message,
      });
      expect(await body('UNAUTHORIZED')).toEqual(JSON.parse(TENANT_ID_UNAUTHORIZED.body));
    },
  );

  it('words the tenant id rule as the functions do', () => {
    expect(mod.locals.tenant_id_rule?.value).toBe(TENANT_ID_RULE);
  });

  it("proxies GET to each route's own function and answers OPTIONS without one", async () => {
    const ev = evaluator();
    for (const key of await ev.keysOf('aws_api_gateway_method.get')) {
      const integration = await ev.instance('aws_api_gateway_integration.get', key);
      expect(integration).toMatchObject({
        type: 'AWS_PROXY',
        integration_http_method: 'POST',
        uri: `\${aws_lambda_function.this["${key}"].invoke_arn}`,
      });
      expect((await ev.instance('aws_api_gateway_resource.function', key)).path_part).toBe(key);
      expect((await ev.instance('aws_api_gateway_method.get', key)).http_method).toBe('GET');
      expect((await ev.instance('aws_api_gateway_method.options', key)).http_method).toBe(
        'OPTIONS',
      );
      expect((await ev.instance('aws_api_gateway_integration.options', key)).type).toBe('MOCK');
    }
  });

  it('answers CORS preflight in the local stack with the same headers as main.tf', () => {
    const configured = mod.locals.cors_headers?.value as Record<string, string>;
    const local = Object.fromEntries(
      Object.keys(configured).map((name) => [name, `'${CORS_HEADERS[name] ?? ''}'`]),
    );
    expect(Object.keys(configured).length).toBe(3);
    expect(local).toEqual(configured);
  });

  it('answers preflight with every CORS header', async () => {
    const response = await evaluator().instance(
      'aws_api_gateway_integration_response.options',
      'isolated',
    );
    const headers = Object.entries(mod.locals.cors_headers?.value as Record<string, string>);
    expect(response.response_parameters).toEqual(
      Object.fromEntries(headers.map(([name, value]) => [`method.response.header.${name}`, value])),
    );
  });

  it.each(authorizerSettings)(
    'prints curl commands for the routes only, never the authorizer (tenant_id_authorizer = %s)',
    async (authorizer) => {
      const ev = evaluator({ tenant_id_authorizer: authorizer });
      const commands = (await ev.evaluate(mod.outputs.curl_commands?.body.value)) as HclBody;
      expect(Object.keys(commands)).toEqual(['isolated', 'standard']);
      for (const [key, command] of Object.entries(commands)) {
        expect(command).toContain(`\${aws_api_gateway_stage.this.invoke_url}/${key}'`);
      }
    },
  );

  it('deploys the functions only after every role policy they rely on exists', () => {
    const policies = Object.keys(mod.resources).filter((address) =>
      address.startsWith('aws_iam_role_policy.'),
    );
    expect(policies.length).toBe(2);
    expect(referencedAddresses(resource('aws_lambda_function.this').depends_on).sort()).toEqual(
      policies.sort(),
    );
  });

  it('lets API Gateway invoke each function only for its own method and path', async () => {
    const ev = evaluator();
    for (const key of await ev.keysOf('aws_lambda_permission.api_gateway')) {
      const permission = await ev.instance('aws_lambda_permission.api_gateway', key);
      expect(permission.principal).toBe('apigateway.amazonaws.com');
      expect(permission.function_name).toBe(`\${aws_lambda_function.this["${key}"].function_name}`);
      expect(permission.source_arn).toBe(
        `\${aws_api_gateway_rest_api.this.execution_arn}/*/\${aws_api_gateway_method.get["${key}"].http_method}/${key}`,
      );
    }
  });

  it('redeploys when any method, integration or response changes, OPTIONS included', () => {
    const deployment = resource('aws_api_gateway_deployment.this');
    const triggers = new Set(referencedAddresses(deployment.triggers));
    const apiResources = Object.keys(mod.resources).filter((address) =>
      /^aws_api_gateway_(resource|method|integration|method_response|integration_response|gateway_response|request_validator|authorizer)\./.test(
        address,
      ),
    );
    expect(apiResources.length).toBeGreaterThanOrEqual(8);
    for (const address of apiResources) expect(triggers.has(address), address).toBe(true);
    expect(block(deployment, 'lifecycle').create_before_destroy).toBe(true);
  });

  it('throttles every method of the stage with the variables', async () => {
    const ev = evaluator({ stage_name: 'qa', throttling_rate_limit: 7, throttling_burst_limit: 9 });
    expect((await ev.instance('aws_api_gateway_stage.this')).stage_name).toBe('qa');
    const settings = await ev.instance('aws_api_gateway_method_settings.all');
    expect(settings.stage_name).toBe('${aws_api_gateway_stage.this.stage_name}');
    expect(settings.method_path).toBe('*/*');
    expect(block(settings, 'settings')).toMatchObject({
      throttling_rate_limit: 7,
      throttling_burst_limit: 9,
    });
  });
});

describe('IAM', () => {
  /** The statements one function's policy document expands to, sorted by sid. */
  const statements = async (key: string, scoped: boolean): Promise<HclBody[]> => {
    const ev = evaluator({ tenant_scoped_credentials: scoped });
    const document = await ev.instance('data.aws_iam_policy_document.function', key);
    return [...(blockBodies(document.statement) ?? [])].sort((a, b) =>
      String(a.sid).localeCompare(String(b.sid)),
    );
  };

  const logs = (key: string) => ({
    sid: 'WriteOwnLogs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [`\${aws_cloudwatch_log_group.function["${key}"].arn}:log-stream:*`],
  });
  const ownCounters = (test: string, keys: string[]) => ({
    sid: 'IncrementOwnCounters',
    actions: ['dynamodb:UpdateItem'],
    resources: ['${aws_dynamodb_table.counters.arn}'],
    condition: [{ test, variable: 'dynamodb:LeadingKeys', values: keys }],
  });

  it.each([true, false])(
    'allows standard only UpdateItem on SHARED and its own logs (tenant_scoped_credentials = %s)',
    async (scoped) => {
      expect(await statements('standard', scoped)).toEqual([
        ownCounters('ForAllValues:StringEquals', ['SHARED']),
        logs('standard'),
      ]);
    },
  );

  it('gives isolated no table access of its own, only the tenant data role, when scoped', async () => {
    expect(await statements('isolated', true)).toEqual([
      {
        sid: 'AssumeTenantDataRole',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: ['${aws_iam_role.tenant_data[0].arn}'],
      },
      logs('isolated'),
    ]);
  });

  it.each([true, false])(
    'gives the authorizer nothing but its own logs (tenant_scoped_credentials = %s)',
    async (scoped) => {
      expect(await statements('authorizer', scoped)).toEqual([logs('authorizer')]);
    },
  );

  it('falls back to UpdateItem on TENANT#* keys for isolated when not scoped', async () => {
    expect(await statements('isolated', false)).toEqual([
      ownCounters('ForAllValues:StringLike', [tenantCounterKey('*')]),
      logs('isolated'),
    ]);
  });

  it('attaches each function its own policy document', async () => {
    const ev = evaluator();
    for (const key of functionKeys()) {
      const policy = await ev.instance('aws_iam_role_policy.function', key);
      expect(policy.role).toBe(`\${aws_iam_role.function["${key}"].id}`);
      expect(policy.policy).toBe(`\${data.aws_iam_policy_document.function["${key}"].json}`);
    }
  });

  it.each([true, false])(
    'creates the tenant data role only with tenant-scoped credentials (%s)',
    async (scoped) => {
      const ev = evaluator({ tenant_scoped_credentials: scoped });
      for (const address of [
        'aws_iam_role.tenant_data',
        'aws_iam_role_policy.tenant_data',
        'data.aws_iam_policy_document.tenant_data',
        'data.aws_iam_policy_document.tenant_data_trust',
      ]) {
        expect(await ev.keysOf(address), address).toEqual(scoped ? [0] : []);
      }
    },
  );

  it('lets the tenant data role write only the key of the tenant in its session tag', async () => {
    const document = await evaluator().instance('data.aws_iam_policy_document.tenant_data', 0);
    expect(blockBodies(document.statement)).toEqual([
      {
        sid: 'IncrementTaggedTenantCounterOnly',
        actions: ['dynamodb:UpdateItem'],
        resources: ['${aws_dynamodb_table.counters.arn}'],
        condition: [
          {
            test: 'ForAllValues:StringEquals',
            variable: 'dynamodb:LeadingKeys',
            values: [tenantCounterKey(`\${aws:PrincipalTag/${TENANT_TAG_KEY}}`)],
          },
        ],
      },
    ]);
  });

  it('lets only the isolated execution role assume the tenant data role, with the tenant tag alone', async () => {
    const trust = await evaluator().instance('data.aws_iam_policy_document.tenant_data_trust', 0);
    expect(blockBodies(trust.statement)).toEqual([
      {
        sid: 'IsolatedFunctionWithTenantTag',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        principals: [{ type: 'AWS', identifiers: ['${aws_iam_role.function["isolated"].arn}'] }],
        condition: [
          { test: 'Null', variable: `aws:RequestTag/${TENANT_TAG_KEY}`, values: ['false'] },
          { test: 'ForAllValues:StringEquals', variable: 'aws:TagKeys', values: [TENANT_TAG_KEY] },
        ],
      },
    ]);
  });

  it('tags sessions with the key the handler sends', () => {
    expect(mod.locals.tenant_tag_key?.value).toBe(TENANT_TAG_KEY);
  });

  it('has no wildcard DynamoDB action or resource anywhere', () => {
    const documents = Object.entries(mod.data).filter(([address]) =>
      address.startsWith('aws_iam_policy_document.'),
    );
    const all = documents.flatMap(([, data]) => [
      ...(blockBodies(data.body.statement) ?? []),
      ...(isBody(data.body.dynamic)
        ? (blockBodies(data.body.dynamic.statement) ?? []).flatMap(
            (generator) => blockBodies(generator.content) ?? [],
          )
        : []),
    ]);
    expect(all.length).toBeGreaterThanOrEqual(5);
    for (const statement of all) {
      const actions = (statement.actions as string[] | undefined) ?? [];
      for (const action of actions) expect(action).not.toContain('*');
      if (actions.some((action) => action.startsWith('dynamodb:'))) {
        expect(statement.resources).toEqual(['${aws_dynamodb_table.counters.arn}']);
      }
    }
  });

  it('lets only the Lambda service assume the function roles', () => {
    const trust = blockBodies(resource('aws_iam_policy_document.lambda_assume_role').statement);
    expect(trust).toEqual([
      {
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }],
      },
    ]);
  });
});

describe('DynamoDB table', () => {
  it('is the table the local stack creates: same name, key and billing', async () => {
    const table = await evaluator({ prefix: 'acme' }).instance('aws_dynamodb_table.counters');
    const local = createTableInput(tableName('acme'));
    expect({
      name: table.name,
      billing: table.billing_mode,
      key: [{ AttributeName: table.hash_key, KeyType: 'HASH' }],
      attributes: blockBodies(table.attribute)?.map((a) => ({
        AttributeName: a.name,
        AttributeType: a.type,
      })),
    }).toEqual({
      name: local.TableName,
      billing: local.BillingMode,
      key: local.KeySchema,
      attributes: local.AttributeDefinitions,
    });
  });

  it('is encrypted with the AWS managed key and removable by destroy', () => {
    const table = resource('aws_dynamodb_table.counters');
    expect(block(table, 'server_side_encryption').enabled).toBe(true);
    expect(table.deletion_protection_enabled).toBe(false);
  });
});

describe('outputs', () => {
  it('keeps the names users know from the original pattern, and the extras', () => {
    expect(Object.keys(mod.outputs).sort()).toEqual([
      'curl_commands',
      'dynamodb_table_name',
      'isolated_tenant_api_endpoint_url',
      'lambda_function_names',
      'rest_api_id',
      'stage_invoke_url',
      'standard_multi_tenant_api_endpoint_url',
    ]);
  });

  it.each([
    ['standard_multi_tenant_api_endpoint_url', '/standard'],
    ['isolated_tenant_api_endpoint_url', '/isolated'],
  ])('builds %s from the stage invoke URL and %s', (name, path) => {
    expect(mod.outputs[name]?.body.value).toBe(`\${aws_api_gateway_stage.this.invoke_url}${path}`);
  });

  it('describes every output', () => {
    for (const [name, { body }] of Object.entries(mod.outputs)) {
      expect(String(body.description ?? '').length, name).toBeGreaterThan(15);
    }
  });
});

describe('README', () => {
  it('lists inputs and outputs exactly as terraform-docs would (npm run docs)', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(docsSection(readme)).toBe(terraformDocs(mod));
  });
});
