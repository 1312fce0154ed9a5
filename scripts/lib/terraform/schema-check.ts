/**
 * What `terraform validate` would check, offline: every block of a module against the provider
 * schema snapshots, plus the language's own blocks (variable, output, terraform, module) and
 * every reference. Returns human-readable problems, e.g.
 * `main.tf: aws_lambda_function.this: unknown argument "foo"`; an empty list means valid.
 *
 *   const problems = await validateDirectory(repoRoot);
 *   const problems = checkModule(await loadModule(dir), loadSchema());
 */
import type { TypeSchema } from '../../provider-schema/format.js';
import { type BlockKind, BodyChecker } from './body-check.js';
import { blockBodies, type HclBody } from './hcl.js';
import { loadModule, type Module, type TypedBlock } from './module.js';
import { dynamicIterators, ReferenceChecker, type Scope } from './reference-check.js';
import { loadSchema, type Schema } from './schema.js';

/** Types that ship with Terraform itself rather than a provider. */
const BUILTIN_RESOURCES: Record<string, TypeSchema> = {
  terraform_data: {
    arguments: { input: 'optional', triggers_replace: 'optional' },
    blocks: {},
    attributes: ['id', 'output'],
  },
};

const VARIABLE_KEYS = ['type', 'description', 'default', 'validation', 'sensitive', 'nullable'];
const OUTPUT_KEYS = ['value', 'description', 'sensitive', 'depends_on', 'precondition'];
const TERRAFORM_KEYS = [
  'required_version',
  'required_providers',
  'backend',
  'cloud',
  'experiments',
  'provider_meta',
];
const MODULE_META = ['source', 'version', 'count', 'for_each', 'depends_on', 'providers'];

function onlyKeys(
  body: HclBody,
  allowed: readonly string[],
  where: string,
  problems: string[],
): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) problems.push(`${where}: unknown argument "${key}"`);
  }
}

/** `condition` and `error_message` in each validation/precondition block. */
function conditionBlocks(body: HclBody, key: string, where: string, problems: string[]): void {
  for (const block of blockBodies(body[key]) ?? []) {
    onlyKeys(block, ['condition', 'error_message'], `${where}: ${key}`, problems);
    for (const required of ['condition', 'error_message']) {
      if (!(required in block))
        problems.push(`${where}: ${key}: missing required argument "${required}"`);
    }
  }
}

function scopeOf(where: string, body: HclBody): Scope {
  return {
    where,
    hasForEach: 'for_each' in body,
    hasCount: 'count' in body,
    locals: dynamicIterators(body),
  };
}

function providerOf(type: string): string {
  return type.split('_')[0] ?? type;
}

function checkTyped(
  block: TypedBlock,
  kind: BlockKind,
  schema: Schema,
  refs: ReferenceChecker,
  problems: string[],
): void {
  const where = `${block.file}: ${block.address}`;
  const types =
    kind === 'resource' ? { ...BUILTIN_RESOURCES, ...schema.resources } : schema.dataSources;
  const typeSchema = types[block.type];
  if (!typeSchema) {
    const provider = providerOf(block.type);
    const why = schema.providers[provider]
      ? `hashicorp/${provider} ${schema.provenance[provider]?.provider_version ?? ''} has no such type, or it is missing from the snapshot (run scripts/provider-schema.ts)`
      : `no schema snapshot for provider "${provider}"`;
    problems.push(
      `${where}: unknown ${kind === 'resource' ? 'resource' : 'data source'} type "${block.type}" (${why})`,
    );
  } else {
    const body = new BodyChecker(where, typeSchema);
    body.checkTop(block.body, kind);
    problems.push(...body.problems);
  }
  const scope = scopeOf(where, block.body);
  // ignore_changes lists attribute names, not references; `provider` names a provider configuration.
  const lifecycle = blockBodies(block.body.lifecycle) ?? [];
  refs.checkValue(block.body, scope, ['lifecycle', 'provider']);
  for (const body of lifecycle) refs.checkValue(body, scope, ['ignore_changes']);
}

export function checkModule(mod: Module, schema: Schema = loadSchema()): string[] {
  const problems: string[] = [...mod.problems];
  const refs = new ReferenceChecker(mod, schema);

  for (const block of Object.values(mod.resources))
    checkTyped(block, 'resource', schema, refs, problems);
  for (const block of Object.values(mod.data)) checkTyped(block, 'data', schema, refs, problems);

  for (const provider of mod.providers) {
    const where = `${provider.file}: provider "${provider.name}"`;
    const typeSchema = schema.providers[provider.name];
    if (!typeSchema) {
      problems.push(`${where}: no schema snapshot for this provider`);
    } else {
      const body = new BodyChecker(where, typeSchema);
      body.checkTop(provider.body, 'provider');
      problems.push(...body.problems);
    }
    refs.checkValue(provider.body, scopeOf(where, provider.body));
  }

  for (const [name, variable] of Object.entries(mod.variables)) {
    const where = `${variable.file}: variable "${name}"`;
    onlyKeys(variable.body, VARIABLE_KEYS, where, problems);
    conditionBlocks(variable.body, 'validation', where, problems);
    // `type` is a type expression (string, object({...})), not a reference.
    refs.checkValue(variable.body, scopeOf(where, {}), ['type']);
  }

  for (const [name, output] of Object.entries(mod.outputs)) {
    const where = `${output.file}: output "${name}"`;
    onlyKeys(output.body, OUTPUT_KEYS, where, problems);
    if (!('value' in output.body)) problems.push(`${where}: missing required argument "value"`);
    conditionBlocks(output.body, 'precondition', where, problems);
    refs.checkValue(output.body, scopeOf(where, {}));
  }

  for (const [name, local] of Object.entries(mod.locals)) {
    refs.checkValue(local.value, scopeOf(`${local.file}: local "${name}"`, {}));
  }

  for (const [name, call] of Object.entries(mod.modules)) {
    const where = `${call.file}: module "${name}"`;
    if (!('source' in call.body)) problems.push(`${where}: missing required argument "source"`);
    refs.checkValue(
      call.body,
      scopeOf(where, call.body),
      MODULE_META.filter((k) => k !== 'count' && k !== 'for_each'),
    );
  }

  for (const settings of mod.settings) {
    onlyKeys(settings.body, TERRAFORM_KEYS, `${settings.file}: terraform`, problems);
  }

  problems.push(...refs.problems);
  return [...new Set(problems)];
}

/** Loads the module in `dir` and checks it against the committed snapshots. */
export async function validateDirectory(
  dir: string,
  schema: Schema = loadSchema(),
): Promise<string[]> {
  return checkModule(await loadModule(dir), schema);
}
