/**
 * Checks every reference in a module's expressions: `var.x` and `local.x` are declared,
 * `<type>.<name>` and `data.<type>.<name>` are declared blocks, the attribute read after them
 * (`.arn`, `[each.key].arn`, `["k"].arn`, `[*].arn`) exists for that type, an instance key is
 * used exactly when the block has count or for_each, and `each`/`count` appear only where
 * for_each/count is set.
 */
import type { TypeSchema } from '../../provider-schema/format.js';
import { type Reference, referencesIn, referenceText } from './expressions.js';
import { blockBodies, type HclBody, type HclValue, isBody } from './hcl.js';
import type { Module, TypedBlock } from './module.js';

export interface Scope {
  /** Prefix for messages, e.g. `main.tf: aws_lambda_function.this`. */
  where: string;
  hasForEach: boolean;
  hasCount: boolean;
  /** Names bound inside the block: dynamic block iterators. */
  locals: Set<string>;
}

export interface SchemaLookup {
  resources: Record<string, TypeSchema>;
  dataSources: Record<string, TypeSchema>;
}

const PATH_ATTRS = ['module', 'root', 'cwd'];

/** Every string in a value, object keys included (they can be expressions too). */
function* strings(value: HclValue): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const item of value) yield* strings(item);
  else if (isBody(value)) {
    for (const [key, item] of Object.entries(value)) {
      yield key;
      yield* strings(item);
    }
  }
}

/** Iterator names of all dynamic blocks in a body (the label, or `iterator = name`). */
export function dynamicIterators(body: HclBody, into = new Set<string>()): Set<string> {
  for (const [key, value] of Object.entries(body)) {
    if (key === 'dynamic' && isBody(value)) {
      for (const [label, specs] of Object.entries(value)) {
        for (const spec of blockBodies(specs) ?? []) {
          const iterator = spec.iterator;
          // hcl2json writes a bare `iterator = name` as the expression "${name}".
          into.add(typeof iterator === 'string' ? iterator.replace(/^\$\{(.*)\}$/, '$1') : label);
          for (const content of blockBodies(spec.content) ?? []) dynamicIterators(content, into);
        }
      }
    } else {
      for (const nested of blockBodies(value) ?? []) dynamicIterators(nested, into);
    }
  }
  return into;
}

export class ReferenceChecker {
  readonly problems: string[] = [];

  constructor(
    private readonly mod: Module,
    private readonly schema: SchemaLookup,
  ) {}

  /** Checks all references in `value`, leaving out the keys in `skip` at its top level. */
  checkValue(value: HclValue, scope: Scope, skip: readonly string[] = []): void {
    const top = isBody(value)
      ? Object.entries(value).filter(([k]) => !skip.includes(k))
      : [['', value] as const];
    for (const [, item] of top) {
      for (const text of strings(item)) {
        for (const ref of referencesIn(text)) this.checkReference(ref, scope);
      }
    }
  }

  private report(scope: Scope, message: string): void {
    this.problems.push(`${scope.where}: ${message}`);
  }

  private attr(ref: Reference, index: number): string | undefined {
    const part = ref.parts[index];
    return part?.kind === 'attr' ? part.name : undefined;
  }

  checkReference(ref: Reference, scope: Scope): void {
    const first = this.attr(ref, 0);
    const text = referenceText(ref);
    if (scope.locals.has(ref.root) || ref.root === 'self') return;
    switch (ref.root) {
      case 'var':
        if (!first || !this.mod.variables[first])
          this.report(scope, `reference to undeclared variable ${text}`);
        return;
      case 'local':
        if (!first || !this.mod.locals[first])
          this.report(scope, `reference to undeclared local value ${text}`);
        return;
      case 'each':
        if (!scope.hasForEach) this.report(scope, `${text} used where for_each is not set`);
        else if (first !== 'key' && first !== 'value')
          this.report(scope, `${text}: each has only key and value`);
        return;
      case 'count':
        if (!scope.hasCount) this.report(scope, `${text} used where count is not set`);
        else if (first !== 'index') this.report(scope, `${text}: count has only index`);
        return;
      case 'path':
        if (!first || !PATH_ATTRS.includes(first))
          this.report(scope, `${text}: path has only ${PATH_ATTRS.join(', ')}`);
        return;
      case 'terraform':
        if (first !== 'workspace' && first !== 'applying')
          this.report(scope, `${text}: unknown terraform attribute`);
        return;
      case 'module':
        if (!first || !this.mod.modules[first])
          this.report(scope, `reference to undeclared module ${text}`);
        return;
      case 'data': {
        const name = this.attr(ref, 1);
        const block = first && name ? this.mod.data[`${first}.${name}`] : undefined;
        if (!block) {
          this.report(scope, `reference to undeclared data source ${text}`);
          return;
        }
        this.checkInstanceAndAttribute(ref, 2, block, this.schema.dataSources[block.type], scope);
        return;
      }
      default: {
        if (!first) {
          this.report(scope, `invalid reference "${text}"`);
          return;
        }
        const block = this.mod.resources[`${ref.root}.${first}`];
        if (!block && !ref.root.includes('_')) {
          // Resource types always carry a provider prefix (aws_...); this is a stray name.
          this.report(
            scope,
            `unknown name "${ref.root}" in ${text} (not a resource type, dynamic block iterator or for variable)`,
          );
          return;
        }
        if (!block) {
          const address = `${ref.root}.${first}`;
          const context = text === address ? '' : ` (in ${text})`;
          this.report(scope, `reference to undeclared resource ${address}${context}`);
          return;
        }
        this.checkInstanceAndAttribute(ref, 1, block, this.schema.resources[block.type], scope);
      }
    }
  }

  /** What follows `type.name`: an instance key when (and only when) count/for_each is set, then an attribute. */
  private checkInstanceAndAttribute(
    ref: Reference,
    from: number,
    block: TypedBlock,
    typeSchema: TypeSchema | undefined,
    scope: Scope,
  ): void {
    const text = referenceText(ref);
    const multiple = 'for_each' in block.body || 'count' in block.body;
    const next = ref.parts[from];
    let attrIndex = from;
    if (next?.kind === 'attr' && multiple) {
      const meta = 'for_each' in block.body ? 'for_each' : 'count';
      this.report(
        scope,
        `${text}: ${block.address} has ${meta}, so an instance key must come before ".${next.name}"`,
      );
      return;
    }
    if (next?.kind === 'index') {
      if (!multiple) {
        this.report(
          scope,
          `${text}: ${block.address} has neither count nor for_each, so it has no instances to index`,
        );
        return;
      }
      attrIndex++;
    } else if (next?.kind === 'splat') {
      attrIndex++;
    }
    const name = this.attr(ref, attrIndex);
    // An unknown type was reported where it is declared; without its schema there is nothing to check.
    if (!name || !typeSchema) return;
    const readable =
      name in typeSchema.arguments ||
      name in typeSchema.blocks ||
      typeSchema.attributes.includes(name);
    if (!readable) this.report(scope, `${text}: ${block.type} has no attribute "${name}"`);
  }
}
