/**
 * Command-line options of `npm start`, parsed with node:util parseArgs. Pure: every mistake is an
 * OptionsError whose message is the one line the CLI prints.
 */
import { parseArgs } from 'node:util';

export interface LocalOptions {
  port: number;
  stage: string;
  /** undefined = in memory. */
  dataDir: string | undefined;
  functionsDir: string | undefined;
  /** Function timeout, as Terraform's `timeout` variable (default 10 s). */
  timeoutMs: number;
  integrationTimeoutMs: number;
  memoryMb: number;
  concurrency: number;
  maxEnvironments: number;
  idleTimeoutMs: number;
  /**
   * The tenant id authorizer on GET /isolated (Terraform's `tenant_id_authorizer`, default on).
   * Off (`--no-authorizer`): X-Amz-Tenant-Id comes from the raw header, as in the original pattern.
   */
  authorizer: boolean;
  /** How long an authorizer answer is cached per x-tenant-id value (`authorizer_cache_ttl_seconds`). */
  authorizerCacheTtlMs: number;
  /** An external DynamoDB endpoint instead of the embedded store (the table is created there). */
  storeEndpoint: string | undefined;
  help: boolean;
}

export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

export const DEFAULT_DATA_DIR = '.local';

export const USAGE = `Usage: npm start -- [options]

  --port <n>                  port on 127.0.0.1 (default 3000, or $PORT; 0 picks a free one)
  --stage <name>              API stage in the URL (default dev)
  --data-dir <dir>            where the store keeps its data (default ${DEFAULT_DATA_DIR}/)
  --in-memory                 keep the store in memory; every counter starts at zero
  --functions-dir <dir>       where <function>/index.mjs bundles are (default dist/, built if stale)
  --timeout <s>               function timeout in seconds (default 10, 1-900)
  --integration-timeout <s>   API Gateway integration timeout in seconds (default 29)
  --memory <MB>               memory per environment, caps its heap (default 256, 128-10240)
  --concurrency <n>           invocations in flight per function before throttling (default 1000)
  --max-environments <n>      live environments across both functions (default 64)
  --idle-timeout <s>          idle environments are stopped after this (default 300)
  --no-authorizer             no tenant id authorizer on /isolated: X-Amz-Tenant-Id is mapped from
                              the raw x-tenant-id header (tenant_id_authorizer = false)
  --authorizer-cache-ttl <s>  seconds an authorizer answer is cached per x-tenant-id value
                              (default 300, 0-3600; 0 turns caching off)
  --store-endpoint <url>      use this DynamoDB endpoint instead of the embedded store (the table
                              is created there if missing); excludes --data-dir and --in-memory
  --help                      this text`;

const integer = (
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new OptionsError(`--${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return value;
};

const seconds = (
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number => {
  if (raw === undefined) return fallback * 1000;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new OptionsError(
      `--${name} must be a number of seconds from ${min} to ${max} (got "${raw}")`,
    );
  }
  return Math.round(value * 1000);
};

// API Gateway stage names: letters, digits, hyphens and underscores, at most 128 characters.
const STAGE_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export const parseOptions = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): LocalOptions => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        stage: { type: 'string' },
        'data-dir': { type: 'string' },
        'in-memory': { type: 'boolean' },
        'functions-dir': { type: 'string' },
        timeout: { type: 'string' },
        'integration-timeout': { type: 'string' },
        memory: { type: 'string' },
        concurrency: { type: 'string' },
        'max-environments': { type: 'string' },
        'idle-timeout': { type: 'string' },
        'no-authorizer': { type: 'boolean' },
        'authorizer-cache-ttl': { type: 'string' },
        'store-endpoint': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // parseArgs explains itself in its first sentence; the rest is advice about `--`.
    const message = error instanceof Error ? error.message : String(error);
    throw new OptionsError(`${message.split('. ')[0]?.replace(/\.$/, '')} (see --help)`);
  }
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  if (values['in-memory'] === true && text('data-dir') !== undefined) {
    throw new OptionsError('--in-memory and --data-dir exclude each other');
  }
  const stage = text('stage') ?? 'dev';
  if (!STAGE_PATTERN.test(stage)) {
    throw new OptionsError(
      `--stage must be 1-128 letters, digits, hyphens or underscores (got "${stage}")`,
    );
  }
  const portRaw = text('port') ?? env.PORT;
  const dataDir = text('data-dir');
  if (dataDir === '') throw new OptionsError('--data-dir must not be empty');
  const functionsDir = text('functions-dir');
  if (functionsDir === '') throw new OptionsError('--functions-dir must not be empty');
  const timeoutMs = seconds('timeout', text('timeout'), 10, 1, 900);
  const storeEndpoint = text('store-endpoint');
  if (storeEndpoint !== undefined) {
    if (values['in-memory'] === true || dataDir !== undefined) {
      throw new OptionsError('--store-endpoint excludes --data-dir and --in-memory');
    }
    if (!/^https?:\/\/[^\s/]+\/?$/.test(storeEndpoint)) {
      throw new OptionsError(
        `--store-endpoint must be an http(s) URL such as http://127.0.0.1:8000 (got "${storeEndpoint}")`,
      );
    }
  }
  const authorizer = values['no-authorizer'] !== true;
  if (!authorizer && text('authorizer-cache-ttl') !== undefined) {
    throw new OptionsError('--authorizer-cache-ttl needs the authorizer (drop --no-authorizer)');
  }
  return {
    port: integer(portRaw === text('port') ? 'port' : 'port (from $PORT)', portRaw, 3000, 0, 65535),
    stage,
    dataDir:
      values['in-memory'] === true || storeEndpoint !== undefined
        ? undefined
        : (dataDir ?? DEFAULT_DATA_DIR),
    functionsDir,
    timeoutMs,
    integrationTimeoutMs: seconds(
      'integration-timeout',
      text('integration-timeout'),
      29,
      0.05,
      300,
    ),
    memoryMb: integer('memory', text('memory'), 256, 128, 10240),
    concurrency: integer('concurrency', text('concurrency'), 1000, 1, 100_000),
    maxEnvironments: integer('max-environments', text('max-environments'), 64, 1, 10_000),
    idleTimeoutMs: seconds('idle-timeout', text('idle-timeout'), 300, 0.1, 86_400),
    authorizer,
    // Whole seconds, as variables.tf validates authorizer_cache_ttl_seconds.
    authorizerCacheTtlMs:
      integer('authorizer-cache-ttl', text('authorizer-cache-ttl'), 300, 0, 3600) * 1000,
    storeEndpoint: storeEndpoint?.replace(/\/$/, ''),
    help: values.help === true,
  };
};
