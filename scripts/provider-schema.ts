/**
 * Writes the provider schema snapshots that the offline Terraform checks read
 * (scripts/provider-schema/snapshot/aws.json and archive.json).
 *
 *   npx tsx scripts/provider-schema.ts
 *
 * Not part of `npm test`, and the provider packages never become dependencies: it `npm pack`s
 * the prebuilt CDK Terrain bindings into a temporary directory (their `engines` ask for Node
 * 22, but only their JSON is read), reads each `.jsii` assembly and keeps the types this module
 * uses: the fixed list below plus every resource and data type found in the top-level *.tf
 * files when it runs. Run it again after adding a type to main.tf, or to move to a newer
 * provider release (change the pinned version), and commit the diff.
 *
 * The aws assembly is about 150 MB of JSON; if Node runs out of heap, run it with
 * NODE_OPTIONS=--max-old-space-size=4096.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktn/hcl2json';
import type { ProviderSchemaSnapshot, TypeSchema } from './provider-schema/format.js';
import {
  indexTerraformClasses,
  type JsiiAssembly,
  libFileOf,
  parseAssembly,
  readTypeSchema,
  type TerraformClass,
  type TerraformKind,
} from './provider-schema/jsii.js';
import { getterNamesFromJs } from './provider-schema/names.js';
import { providers } from './provider-schema/types.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(repoRoot, 'scripts/provider-schema/snapshot');

/** Resource and data types used by the top-level *.tf files, so new ones are never missed. */
async function typesInModule(dir: string): Promise<{ resources: string[]; data: string[] }> {
  const resources = new Set<string>();
  const data = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.tf'))) {
    const json: unknown = await parse(file, readFileSync(join(dir, file), 'utf8'));
    if (typeof json !== 'object' || json === null) continue;
    const record = json as Record<string, unknown>;
    for (const [section, into] of [
      ['resource', resources],
      ['data', data],
    ] as const) {
      const types = record[section];
      if (typeof types === 'object' && types !== null) {
        for (const type of Object.keys(types)) into.add(type);
      }
    }
  }
  return { resources: [...resources], data: [...data] };
}

interface PackedProvider {
  dir: string;
  npmName: string;
  npmVersion: string;
  providerSource: string;
  providerVersion: string;
}

function packProvider(spec: string, workDir: string): PackedProvider {
  const out = execFileSync(
    'npm',
    ['pack', spec, '--json', '--ignore-scripts', '--pack-destination', workDir],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const packed: unknown = JSON.parse(out);
  const filename = Array.isArray(packed)
    ? (packed[0] as { filename?: unknown }).filename
    : undefined;
  if (typeof filename !== 'string') throw new Error(`npm pack ${spec}: unexpected output`);
  const dir = join(workDir, filename.replace(/\.tgz$/, ''));
  mkdirSync(dir);
  execFileSync('tar', ['-xzf', join(workDir, filename), '-C', dir, '--strip-components=1']);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    cdktn?: { provider?: { name?: string; version?: string } };
    cdktf?: { provider?: { name?: string; version?: string } };
  };
  const provider = pkg.cdktn?.provider ?? pkg.cdktf?.provider;
  if (!provider?.name || !provider.version) throw new Error(`${pkg.name}: no provider metadata`);
  return {
    dir,
    npmName: pkg.name,
    npmVersion: pkg.version,
    providerSource: provider.name,
    providerVersion: provider.version,
  };
}

function typeSchema(asm: JsiiAssembly, packageDir: string, found: TerraformClass): TypeSchema {
  const classFqn = found.fqn;
  const lib = libFileOf(asm, classFqn);
  const libPath = lib ? join(packageDir, lib) : undefined;
  const getterNames =
    libPath && existsSync(libPath)
      ? getterNamesFromJs(readFileSync(libPath, 'utf8'))
      : new Map<string, string>();
  return readTypeSchema(asm, classFqn, {
    getterNames,
    withAttributes: found.kind !== 'provider',
    warn: (message) => console.warn(`warning: ${message}`),
  });
}

/** JSON with object keys sorted at every level, so regenerating diffs only what changed. */
function stableJson(value: unknown): string {
  const sortKeys = (_key: string, v: unknown): unknown =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v;
  return `${JSON.stringify(value, sortKeys, 2)}\n`;
}

async function main(): Promise<void> {
  const used = await typesInModule(repoRoot);
  const workDir = mkdtempSync(join(tmpdir(), 'provider-schema-'));
  try {
    mkdirSync(outDir, { recursive: true });
    for (const spec of providers) {
      const prefix = `${spec.name}_`;
      const wanted = {
        resource: [
          ...new Set([...spec.resources, ...used.resources.filter((t) => t.startsWith(prefix))]),
        ],
        data: [...new Set([...spec.dataSources, ...used.data.filter((t) => t.startsWith(prefix))])],
      };
      const packed = packProvider(spec.npmSpec, workDir);
      console.log(
        `${packed.npmName}@${packed.npmVersion}: ${packed.providerSource} ${packed.providerVersion}`,
      );
      const asm = parseAssembly(readFileSync(join(packed.dir, '.jsii'), 'utf8'));
      const classes = indexTerraformClasses(asm);
      const pick = (kind: TerraformKind, name: string): TypeSchema => {
        const found = classes.get(`${kind}:${name}`);
        if (!found) throw new Error(`${packed.npmName} has no ${kind} ${name}`);
        return typeSchema(asm, packed.dir, found);
      };
      const snapshot: ProviderSchemaSnapshot = {
        provenance: {
          provider_source: packed.providerSource,
          provider_version: packed.providerVersion,
          npm_package: packed.npmName,
          npm_version: packed.npmVersion,
          generated_at: new Date().toISOString().slice(0, 10),
          generator: 'scripts/provider-schema.ts',
        },
        provider_name: spec.name,
        provider: pick('provider', spec.name),
        resources: Object.fromEntries(wanted.resource.map((t) => [t, pick('resource', t)])),
        data_sources: Object.fromEntries(wanted.data.map((t) => [t, pick('data', t)])),
      };
      const file = join(outDir, `${spec.name}.json`);
      writeFileSync(file, stableJson(snapshot));
      console.log(
        `wrote ${file}: ${wanted.resource.length} resources, ${wanted.data.length} data sources`,
      );
    }
    const known = providers.map((p) => `${p.name}_`);
    const unknown = [...used.resources, ...used.data].filter(
      (t) => !known.some((k) => t.startsWith(k)),
    );
    if (unknown.length > 0)
      console.warn(`types of other providers, not in any snapshot: ${unknown.join(', ')}`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
