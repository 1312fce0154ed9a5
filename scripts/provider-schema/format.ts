/**
 * The shape of the committed provider schema snapshots (scripts/provider-schema/snapshot/*.json).
 *
 * Written by scripts/provider-schema.ts, read by scripts/lib/terraform/schema.ts. One file per
 * provider; keys are sorted so a regenerated snapshot diffs cleanly.
 */

/** Where a snapshot came from, so a reader can tell which provider release it describes. */
export interface Provenance {
  /** Registry address, e.g. registry.terraform.io/hashicorp/aws. */
  provider_source: string;
  provider_version: string;
  /** The prebuilt bindings the schema was read from (their .jsii assembly). */
  npm_package: string;
  npm_version: string;
  /** YYYY-MM-DD. */
  generated_at: string;
  generator: string;
}

/** A nested block: `name { ... }` in HCL, repeated for list nesting. */
export interface BlockSchema {
  /** `single` means the provider allows at most one (max_items = 1); `list` covers lists and sets. */
  nesting: 'list' | 'single';
  /** At least one instance must be written (min_items >= 1). */
  required: boolean;
  arguments: Record<string, ArgumentMode>;
  blocks: Record<string, BlockSchema>;
}

export type ArgumentMode = 'required' | 'optional';

/** A resource, data source or provider configuration. */
export interface TypeSchema {
  /** Settable arguments (`name = value`), including optional+computed ones such as tags_all. */
  arguments: Record<string, ArgumentMode>;
  blocks: Record<string, BlockSchema>;
  /**
   * Read-only attributes: computed by the provider and not settable. Every argument and block
   * can be read as well, so the readable names are arguments ∪ blocks ∪ attributes.
   */
  attributes: string[];
}

export interface ProviderSchemaSnapshot {
  provenance: Provenance;
  /** Provider local name, e.g. aws. */
  provider_name: string;
  provider: TypeSchema;
  resources: Record<string, TypeSchema>;
  data_sources: Record<string, TypeSchema>;
}
