/**
 * Checks one block body (a resource, data source or provider, or a nested block) against its
 * schema: every argument and block exists at that level, required ones are set (a `dynamic`
 * block counts for its block), blocks use block syntax, single blocks appear once, and the
 * meta-arguments Terraform itself handles are accepted.
 */
import type { BlockSchema, TypeSchema } from '../../provider-schema/format.js';
import { blockBodies, type HclBody, type HclValue, isBody } from './hcl.js';

type BodySchema = Pick<BlockSchema, 'arguments' | 'blocks'>;

/** Meta-arguments and blocks Terraform accepts in a resource or data block of any type. */
const META = {
  resource: [
    'count',
    'for_each',
    'depends_on',
    'provider',
    'lifecycle',
    'provisioner',
    'connection',
  ],
  data: ['count', 'for_each', 'depends_on', 'provider', 'lifecycle'],
} as const;

const LIFECYCLE = {
  resource: [
    'create_before_destroy',
    'prevent_destroy',
    'ignore_changes',
    'replace_triggered_by',
    'precondition',
    'postcondition',
  ],
  data: ['precondition', 'postcondition'],
} as const;

export type BlockKind = keyof typeof META;

const CONDITION: BodySchema = {
  arguments: { condition: 'required', error_message: 'required' },
  blocks: {},
};

/** Dotted paths where `name` is valid somewhere in a type, for "it belongs in ..." hints. */
function whereValid(schema: BodySchema, name: string, path: string[] = []): string[] {
  const here =
    name in schema.arguments || name in schema.blocks ? [path.join('.') || 'the top level'] : [];
  return [
    ...here,
    ...Object.entries(schema.blocks).flatMap(([block, nested]) =>
      whereValid(nested, name, [...path, block]),
    ),
  ];
}

export class BodyChecker {
  readonly problems: string[] = [];

  /** `where` prefixes every message, e.g. `main.tf: aws_lambda_function.this`. */
  constructor(
    private readonly where: string,
    private readonly typeSchema: TypeSchema,
  ) {}

  private report(path: string[], message: string): void {
    this.problems.push(`${[this.where, ...path].join(': ')}: ${message}`);
  }

  private hint(name: string, path: string[]): string {
    const places = whereValid(this.typeSchema, name).filter(
      (p) => p !== (path.join('.') || 'the top level'),
    );
    return places.length > 0 ? ` (it belongs in ${places.join(', ')})` : '';
  }

  /** The top-level body of a resource, data source or provider. */
  checkTop(body: HclBody, kind: BlockKind | 'provider'): void {
    const meta: readonly string[] = kind === 'provider' ? [] : META[kind];
    if (kind !== 'provider') {
      if ('count' in body && 'for_each' in body)
        this.report([], 'count and for_each cannot both be set');
      for (const lifecycle of blockBodies(body.lifecycle) ?? [])
        this.checkLifecycle(lifecycle, kind);
      if ('lifecycle' in body && !blockBodies(body.lifecycle))
        this.report([], 'lifecycle must be a block');
    }
    this.checkBody(body, this.typeSchema, [], meta);
    for (const name of Object.keys(body)) {
      if (this.typeSchema.attributes.includes(name)) {
        // checkBody skips these at the top level so the message can say why.
        this.report([], `"${name}" is computed by the provider and cannot be set`);
      }
    }
  }

  private checkLifecycle(body: HclBody, kind: BlockKind): void {
    const allowed: readonly string[] = LIFECYCLE[kind];
    for (const [name, value] of Object.entries(body)) {
      if (!allowed.includes(name)) {
        this.report(['lifecycle'], `unknown argument "${name}"`);
      } else if (name === 'precondition' || name === 'postcondition') {
        for (const condition of blockBodies(value) ?? [])
          this.checkBody(condition, CONDITION, ['lifecycle', name], []);
      }
    }
  }

  checkBody(body: HclBody, schema: BodySchema, path: string[], meta: readonly string[]): void {
    for (const [name, value] of Object.entries(body)) {
      if (meta.includes(name)) continue;
      if (name === 'dynamic') {
        this.checkDynamic(value, schema, path);
      } else if (name in schema.arguments) {
        // Any value: types are beyond this checker.
      } else if (schema.blocks[name]) {
        this.checkBlock(name, value, schema.blocks[name], path);
      } else if (!this.typeSchema.attributes.includes(name) || path.length > 0) {
        const what = blockBodies(value) ? 'block' : 'argument';
        this.report(path, `unknown ${what} "${name}"${this.hint(name, path)}`);
      }
    }
    const dynamic = isBody(body.dynamic) ? body.dynamic : {};
    for (const [name, mode] of Object.entries(schema.arguments)) {
      if (mode === 'required' && !(name in body))
        this.report(path, `missing required argument "${name}"`);
    }
    for (const [name, block] of Object.entries(schema.blocks)) {
      if (block.required && !(name in body) && !(name in dynamic)) {
        this.report(path, `missing required block "${name}"`);
      }
    }
  }

  private checkBlock(name: string, value: HclValue, block: BlockSchema, path: string[]): void {
    const bodies = blockBodies(value);
    if (!bodies) {
      this.report(path, `"${name}" is a block: write ${name} { ... }, not ${name} = ...`);
      return;
    }
    if (block.nesting === 'single' && bodies.length > 1) {
      this.report(path, `at most one "${name}" block is allowed, found ${bodies.length}`);
    }
    for (const nested of bodies) this.checkBody(nested, block, [...path, name], []);
  }

  /** `dynamic "label" { for_each = ..., iterator = ..., content { ... } }` for a block of this level. */
  private checkDynamic(value: HclValue, schema: BodySchema, path: string[]): void {
    if (!isBody(value)) {
      this.report(path, 'dynamic must be a labelled block');
      return;
    }
    for (const [label, specs] of Object.entries(value)) {
      const block = schema.blocks[label];
      if (!block) {
        this.report(
          path,
          `unknown block "${label}" in dynamic "${label}"${this.hint(label, path)}`,
        );
        continue;
      }
      for (const spec of blockBodies(specs) ?? []) {
        for (const key of Object.keys(spec)) {
          if (!['for_each', 'iterator', 'labels', 'content'].includes(key)) {
            this.report([...path, `dynamic "${label}"`], `unknown argument "${key}"`);
          }
        }
        if (!('for_each' in spec))
          this.report([...path, `dynamic "${label}"`], 'missing required argument "for_each"');
        const contents = blockBodies(spec.content);
        if (!contents) {
          this.report([...path, `dynamic "${label}"`], 'missing content block');
          continue;
        }
        for (const content of contents) this.checkBody(content, block, [...path, label], []);
      }
    }
  }
}
