/**
 * A Terraform module read into plain data, for the offline checks and for structural tests.
 *
 *   const mod = await loadModule(repoRoot);
 *   mod.files['main.tf'].json                       // hcl2json output of one file
 *   mod.resources['aws_lambda_function.this'].body  // the block's body (see hcl.ts for its shape)
 *   mod.data['aws_iam_policy_document.assume'].body
 *   mod.variables.prefix.body.type                  // '${string}'
 *   mod.outputs.api_url.body.value
 *   mod.locals.functions.value                      // HclValue
 *   mod.problems                                    // parse errors and duplicates, as strings
 *
 * Only the top-level `.tf` files of `dir` are read, as Terraform does.
 */
import {
  blockBodies,
  type HclBody,
  type HclValue,
  isBody,
  type ParsedFile,
  parseDir,
} from './hcl.js';

export type { HclBody, HclValue, ParsedFile } from './hcl.js';

export interface Declared {
  file: string;
  body: HclBody;
}

export interface TypedBlock extends Declared {
  type: string;
  name: string;
  /** `aws_x.y` for resources, `data.aws_x.y` for data sources. */
  address: string;
}

export interface ProviderBlock extends Declared {
  name: string;
}

export interface Module {
  dir: string;
  files: Record<string, ParsedFile>;
  /** Keyed by `type.name`. */
  resources: Record<string, TypedBlock>;
  /** Keyed by `type.name` (without the `data.` prefix). */
  data: Record<string, TypedBlock>;
  variables: Record<string, Declared>;
  outputs: Record<string, Declared>;
  locals: Record<string, { file: string; value: HclValue }>;
  modules: Record<string, Declared>;
  providers: ProviderBlock[];
  /** `terraform {}` blocks. */
  settings: Declared[];
  problems: string[];
}

/** `{ label: [body, ...] }` → each label with its bodies. */
function labelled(value: HclValue | undefined): [string, HclBody[]][] {
  if (!isBody(value)) return [];
  return Object.entries(value).map(([label, bodies]) => [label, blockBodies(bodies) ?? []]);
}

function addTyped(
  into: Record<string, TypedBlock>,
  section: HclValue | undefined,
  file: string,
  prefix: string,
  problems: string[],
): void {
  if (!isBody(section)) return;
  for (const [type, byName] of Object.entries(section)) {
    for (const [name, bodies] of labelled(byName)) {
      for (const body of bodies) {
        const key = `${type}.${name}`;
        const address = `${prefix}${key}`;
        if (into[key])
          problems.push(`${file}: ${address}: declared twice (also in ${into[key].file})`);
        into[key] = { file, type, name, address, body };
      }
    }
  }
}

function addNamed(
  into: Record<string, Declared>,
  section: HclValue | undefined,
  file: string,
  kind: string,
  problems: string[],
): void {
  for (const [name, bodies] of labelled(section)) {
    for (const body of bodies) {
      if (into[name])
        problems.push(`${file}: ${kind} "${name}": declared twice (also in ${into[name].file})`);
      into[name] = { file, body };
    }
  }
}

export async function loadModule(dir: string): Promise<Module> {
  const parsed = await parseDir(dir);
  const mod: Module = {
    dir,
    files: {},
    resources: {},
    data: {},
    variables: {},
    outputs: {},
    locals: {},
    modules: {},
    providers: [],
    settings: [],
    problems: [...parsed.problems],
  };
  for (const file of parsed.files) {
    const { json, name } = file;
    mod.files[name] = file;
    addTyped(mod.resources, json.resource, name, '', mod.problems);
    addTyped(mod.data, json.data, name, 'data.', mod.problems);
    addNamed(mod.variables, json.variable, name, 'variable', mod.problems);
    addNamed(mod.outputs, json.output, name, 'output', mod.problems);
    addNamed(mod.modules, json.module, name, 'module', mod.problems);
    for (const [provider, bodies] of labelled(json.provider)) {
      for (const body of bodies) mod.providers.push({ file: name, name: provider, body });
    }
    for (const body of blockBodies(json.locals) ?? []) {
      for (const [local, value] of Object.entries(body)) {
        if (mod.locals[local]) {
          mod.problems.push(
            `${name}: local "${local}": declared twice (also in ${mod.locals[local].file})`,
          );
        }
        mod.locals[local] = { file: name, value };
      }
    }
    for (const body of blockBodies(json.terraform) ?? []) mod.settings.push({ file: name, body });
    const known = [
      'resource',
      'data',
      'variable',
      'output',
      'module',
      'provider',
      'locals',
      'terraform',
    ];
    // import, moved, removed and check blocks are valid Terraform but outside what is checked here.
    const alsoValid = ['import', 'moved', 'removed', 'check', 'ephemeral'];
    for (const key of Object.keys(json)) {
      if (!known.includes(key) && !alsoValid.includes(key)) {
        mod.problems.push(`${name}: unsupported top-level block "${key}"`);
      }
    }
  }
  return mod;
}
