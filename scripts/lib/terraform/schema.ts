/**
 * Loads the committed provider schema snapshots (scripts/provider-schema/snapshot/*.json, written by
 * scripts/provider-schema.ts) and merges them into one lookup.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  Provenance,
  ProviderSchemaSnapshot,
  TypeSchema,
} from '../../provider-schema/format.js';

export type {
  BlockSchema,
  Provenance,
  TypeSchema,
} from '../../provider-schema/format.js';

export const SCHEMA_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'provider-schema',
  'snapshot',
);

export interface Schema {
  /** Provider local name (aws, archive) → its snapshot's provenance. */
  provenance: Record<string, Provenance>;
  providers: Record<string, TypeSchema>;
  resources: Record<string, TypeSchema>;
  dataSources: Record<string, TypeSchema>;
}

function isSnapshot(value: unknown): value is ProviderSchemaSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  return ['provenance', 'provider_name', 'provider', 'resources', 'data_sources'].every(
    (key) => key in value,
  );
}

export function loadSchema(dir: string = SCHEMA_DIR): Schema {
  const schema: Schema = { provenance: {}, providers: {}, resources: {}, dataSources: {} };
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const snapshot: unknown = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    if (!isSnapshot(snapshot)) throw new Error(`${file} is not a provider schema snapshot`);
    const name = snapshot.provider_name;
    schema.provenance[name] = snapshot.provenance;
    schema.providers[name] = snapshot.provider;
    Object.assign(schema.resources, snapshot.resources);
    Object.assign(schema.dataSources, snapshot.data_sources);
  }
  return schema;
}
