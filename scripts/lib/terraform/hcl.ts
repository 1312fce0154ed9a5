/**
 * Parsing and formatting Terraform files with HashiCorp's HCL library (its WebAssembly builds):
 * `@cdktn/hcl2json` turns a file into JSON, `@cdktn/hcl-tools` formats it like `terraform fmt`.
 *
 * How hcl2json represents a file (found by experiment):
 * - top-level sections are keyed by block kind: `resource.<type>.<name>`, `data.<type>.<name>`,
 *   `variable.<name>`, `output.<name>`, `module.<name>`, `provider.<name>` are arrays of bodies
 *   (one per declaration); `locals` and `terraform` are arrays of bodies.
 * - a nested block is an array of bodies (`logging_config: [{ log_format: 'JSON' }]`);
 *   `dynamic "x" {...}` becomes `dynamic: { x: [{ for_each, content: [body] }] }`.
 * - literals stay JSON (`128`, `true`, `null`, `"PER_TENANT"`); a list or object of literals is
 *   a JSON array or object, so `x = [{ a = 1 }]` looks like a block and only the schema tells.
 * - any other expression is a string holding its source wrapped in `${...}`
 *   (`"${aws_iam_role.this[each.key].arn}"`); a quoted template keeps its text with its
 *   interpolations (`"${var.prefix}-${each.key}"`), with escapes resolved in the literal parts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from '@cdktn/hcl-tools';
import { parse } from '@cdktn/hcl2json';

export type HclValue = string | number | boolean | null | HclValue[] | HclBody;
export interface HclBody {
  [key: string]: HclValue;
}

export interface ParsedFile {
  /** File name relative to the module directory, e.g. main.tf. */
  name: string;
  source: string;
  json: HclBody;
}

export function isBody(value: HclValue | undefined): value is HclBody {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The bodies of a block written with block syntax (an array of objects), else undefined. */
export function blockBodies(value: HclValue | undefined): HclBody[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.every(isBody) ? (value as HclBody[]) : undefined;
}

/** The top-level `.tf` files of a directory, sorted (Terraform reads only these, not subfolders). */
export function listTfFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.tf'))
    .map((e) => e.name)
    .sort();
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Parses one file; a syntax error comes back as a problem, never as a throw. */
export async function parseTf(
  name: string,
  source: string,
): Promise<{ file?: ParsedFile; problem?: string }> {
  try {
    const json: unknown = await parse(name, source);
    if (!isBody(json as HclValue)) return { problem: `${name}: hcl2json returned no object` };
    return { file: { name, source, json: json as HclBody } };
  } catch (error) {
    return { problem: `${name}: does not parse: ${message(error)}` };
  }
}

export async function parseDir(dir: string): Promise<{ files: ParsedFile[]; problems: string[] }> {
  const files: ParsedFile[] = [];
  const problems: string[] = [];
  for (const name of listTfFiles(dir)) {
    const result = await parseTf(name, readFileSync(join(dir, name), 'utf8'));
    if (result.file) files.push(result.file);
    if (result.problem) problems.push(result.problem);
  }
  return { files, problems };
}

/** The first lines where two texts differ, as `-`/`+` pairs with line numbers. */
function describeDiff(actual: string, expected: string, limit = 5): string {
  const a = actual.split('\n');
  const b = expected.split('\n');
  const lines: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length) && lines.length < limit * 2; i++) {
    if (a[i] === b[i]) continue;
    lines.push(`  line ${i + 1} - ${JSON.stringify(a[i] ?? '<end of file>')}`);
    lines.push(`  line ${i + 1} + ${JSON.stringify(b[i] ?? '<end of file>')}`);
  }
  return lines.join('\n');
}

// `"${var.x}"`: terraform fmt unwraps an interpolation-only string to `var.x`; hclwrite does not.
const INTERPOLATION_ONLY = /=\s*"\$\{([^"{}]*)\}"\s*$/;

/**
 * What `terraform fmt -check` would complain about: the file differs from the HCL formatter's
 * output, or it wraps a lone expression in `"${...}"` (which fmt rewrites). Empty when clean.
 */
export async function formatProblems(name: string, source: string): Promise<string[]> {
  const problems: string[] = [];
  let formatted: string;
  try {
    formatted = await format(source);
  } catch (error) {
    return [`${name}: cannot be formatted: ${message(error)}`];
  }
  if (formatted !== source) {
    problems.push(
      `${name}: not formatted like terraform fmt (- file, + formatter):\n${describeDiff(source, formatted)}`,
    );
  }
  source.split('\n').forEach((line, i) => {
    const match = INTERPOLATION_ONLY.exec(line);
    if (match && !line.trimStart().startsWith('#')) {
      problems.push(
        `${name}:${i + 1}: write ${match[1]} instead of "\${${match[1]}}" (terraform fmt unwraps it)`,
      );
    }
  });
  return problems;
}

export async function formatProblemsInDir(dir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const name of listTfFiles(dir)) {
    problems.push(...(await formatProblems(name, readFileSync(join(dir, name), 'utf8'))));
  }
  return problems;
}
