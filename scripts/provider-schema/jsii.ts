/**
 * Reads Terraform schemas out of a CDK Terrain provider package's jsii assembly (`.jsii`).
 *
 * The bindings are generated from the provider's own schema, so the assembly holds, per
 * resource: a `<Name>Config` struct with one property per argument or block (optional flag,
 * docs whose registry link ends in `#<snake_case_name>`), nested structs for blocks, and the
 * resource class whose getters are every readable attribute. Blocks are the struct-typed
 * properties documented as "`<name>` block."; struct-typed properties without that line are
 * object-typed attributes (plugin-framework nested attributes), which HCL sets with `=`.
 */
import type { ArgumentMode, BlockSchema, TypeSchema } from './format.js';
import { snakeCase } from './names.js';

export interface JsiiTypeRef {
  primitive?: string;
  fqn?: string;
  collection?: { kind: string; elementtype: JsiiTypeRef };
  union?: { types: JsiiTypeRef[] };
}

interface JsiiDocs {
  summary?: string;
  remarks?: string;
}

interface JsiiProperty {
  name: string;
  type: JsiiTypeRef;
  optional?: boolean;
  static?: boolean;
  docs?: JsiiDocs;
}

interface JsiiType {
  fqn: string;
  kind: string;
  datatype?: boolean;
  docs?: JsiiDocs;
  properties?: JsiiProperty[];
  initializer?: { parameters?: { name: string; type: JsiiTypeRef }[] };
  locationInModule?: { filename: string };
}

export interface JsiiAssembly {
  name: string;
  version: string;
  types: Record<string, JsiiType>;
}

export function parseAssembly(text: string): JsiiAssembly {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || !('types' in parsed)) {
    throw new Error('not a jsii assembly: no "types"');
  }
  // The assembly format is jsii's own; only the fields declared above are read.
  return parsed as JsiiAssembly;
}

export type TerraformKind = 'provider' | 'resource' | 'data';

/** A class that stands for one Terraform type, found through its "Represents a ..." doc line. */
export interface TerraformClass {
  kind: TerraformKind;
  /** e.g. aws_lambda_function, or the provider's local name for the provider class. */
  name: string;
  fqn: string;
}

const REPRESENTS =
  /^Represents a \{@link https:\/\/registry\.terraform\.io\/providers\/[^/]+\/[^/]+\/[^/]+\/docs(\/(resources|data-sources)\/\S+)? (\S+)\}/;

export function indexTerraformClasses(asm: JsiiAssembly): Map<string, TerraformClass> {
  const index = new Map<string, TerraformClass>();
  for (const type of Object.values(asm.types)) {
    if (type.kind !== 'class') continue;
    const match = REPRESENTS.exec(type.docs?.summary ?? '');
    if (!match) continue;
    const section = match[2];
    const name = match[3] ?? '';
    const kind: TerraformKind =
      section === 'resources' ? 'resource' : section === 'data-sources' ? 'data' : 'provider';
    index.set(`${kind}:${name}`, { kind, name, fqn: type.fqn });
  }
  return index;
}

// "Docs at Terraform Registry: {@link https://.../lambda_function#log_format LambdaFunction#log_format}"
const ANCHOR =
  /\{@link https:\/\/registry\.terraform\.io\/\S+#([A-Za-z0-9_]+) [A-Za-z0-9_]+#[A-Za-z0-9_]+\}/;

/** The Terraform name of a Config property: the docs anchor, else a careful conversion. */
function argumentName(prop: JsiiProperty): string {
  const docs = `${prop.docs?.summary ?? ''} ${prop.docs?.remarks ?? ''}`;
  return ANCHOR.exec(docs)?.[1] ?? snakeCase(prop.name);
}

/** Strips `IResolvable |` unions and collections to reach the element type. */
function elementType(ref: JsiiTypeRef): { ref: JsiiTypeRef; collection: boolean } {
  if (ref.union) {
    const others = ref.union.types.filter((t) => t.fqn !== 'cdktn.IResolvable');
    const only = others[0];
    if (others.length === 1 && only) return elementType(only);
    return { ref, collection: false };
  }
  if (ref.collection) return { ref: elementType(ref.collection.elementtype).ref, collection: true };
  return { ref, collection: false };
}

export interface BodySchema {
  arguments: Record<string, ArgumentMode>;
  blocks: Record<string, BlockSchema>;
  /** camelCase property name → Terraform name, to name the class getters later. */
  names: Map<string, string>;
}

function getType(asm: JsiiAssembly, fqn: string): JsiiType {
  const type = asm.types[fqn];
  if (!type) throw new Error(`type ${fqn} not found in ${asm.name}`);
  return type;
}

/** Arguments and (recursively) blocks of a Config struct or a nested block struct. */
export function readBody(asm: JsiiAssembly, structFqn: string): BodySchema {
  const body: BodySchema = { arguments: {}, blocks: {}, names: new Map() };
  for (const prop of getType(asm, structFqn).properties ?? []) {
    const name = argumentName(prop);
    body.names.set(prop.name, name);
    const { ref, collection } = elementType(prop.type);
    const target = ref.fqn ? asm.types[ref.fqn] : undefined;
    const isBlock = target?.datatype === true && / block\.$/.test(prop.docs?.summary ?? '');
    if (isBlock && ref.fqn) {
      const nested = readBody(asm, ref.fqn);
      body.blocks[name] = {
        nesting: collection ? 'list' : 'single',
        required: prop.optional !== true,
        arguments: nested.arguments,
        blocks: nested.blocks,
      };
    } else {
      body.arguments[name] = prop.optional === true ? 'optional' : 'required';
    }
  }
  return body;
}

function configStructOf(asm: JsiiAssembly, classFqn: string): string {
  const param = getType(asm, classFqn).initializer?.parameters?.find((p) => p.name === 'config');
  const fqn = param ? elementType(param.type).ref.fqn : undefined;
  if (!fqn) throw new Error(`${classFqn} has no config struct`);
  return fqn;
}

/** Where the generated JavaScript of a class lives inside the package (for getter names). */
export function libFileOf(asm: JsiiAssembly, classFqn: string): string | undefined {
  const source = getType(asm, classFqn).locationInModule?.filename;
  return source?.replace(/^src\//, 'lib/').replace(/\.ts$/, '.js');
}

export interface ReadOptions {
  /** camelCase getter → Terraform name, read from the package's generated JavaScript. */
  getterNames: ReadonlyMap<string, string>;
  /** Providers have no readable attributes; their class getters are binding helpers. */
  withAttributes: boolean;
  /** Told about every name that had to be converted by rule. */
  warn: (message: string) => void;
}

/** The schema of one Terraform type (resource, data source or provider). */
export function readTypeSchema(
  asm: JsiiAssembly,
  classFqn: string,
  options: ReadOptions,
): TypeSchema {
  const { getterNames, withAttributes, warn } = options;
  const body = readBody(asm, configStructOf(asm, classFqn));
  const own = withAttributes ? (getType(asm, classFqn).properties ?? []) : [];
  const ownNames = new Set(own.map((p) => p.name));
  const attributes = new Set<string>();
  for (const prop of own) {
    if (prop.static === true) continue;
    // cdktn adds `<name>Input` getters next to settable attributes; they are not Terraform names.
    if (prop.name.endsWith('Input') && ownNames.has(prop.name.slice(0, -'Input'.length))) continue;
    let name = body.names.get(prop.name) ?? getterNames.get(prop.name);
    if (name === undefined) {
      name = snakeCase(prop.name);
      warn(`${classFqn}.${prop.name}: no source for its Terraform name, guessed ${name}`);
    }
    if (name in body.arguments || name in body.blocks) continue;
    attributes.add(name);
  }
  return { arguments: body.arguments, blocks: body.blocks, attributes: [...attributes].sort() };
}
