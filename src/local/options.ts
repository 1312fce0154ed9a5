/**
 * Command-line options of `npm start`, parsed with node:util parseArgs. Pure: every mistake is an
 * OptionsError whose message is the one line the CLI prints.
 */
import { parseArgs } from 'node:util';
import type { IdentityMode } from '../config/authorizer-config.js';
import {
  AUTHORIZER_TTL_SECONDS,
  LAMBDA_MEMORY_MB,
  LAMBDA_TIMEOUT_SECONDS,
  REST_DEFAULT_INTEGRATION_TIMEOUT_SECONDS,
  ROLE_CHAINING_SESSION_SECONDS,
  STAGE_NAME_PATTERN,
} from './aws-limits.js';

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
  /**
   * How tenants are identified (Terraform's `tenant_identity`): `header`, the client's
   * x-tenant-id; or `jwt`, a claim of a token the local issuer signed.
   */
  identity: IdentityMode;
  /**
   * The authorizer brokers tenant-scoped credentials for /isolated from the local AssumeRole
   * stand-in (Terraform's `tenant_scoped_credentials`, default on).
   */
  tenantScopedCredentials: boolean;
  /** How long an authorizer answer is cached per identity value (`authorizer_cache_ttl_seconds`). */
  authorizerCacheTtlMs: number;
  /** The stage's throttling (`throttling_rate_limit`, `throttling_burst_limit`); 0 = off. */
  throttle: { rate: number; burst: number };
  /** An external DynamoDB endpoint instead of the embedded store (the table is created there). */
  storeEndpoint: string | undefined;
  help: boolean;
}

export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

export const DEFAULT_DATA_DIR = '.local';

/**
 * The defaults of variables.tf that the local stack applies too (test/unit/local/options.test.ts
 * reads them from variables.tf), so `npm start` runs what `terraform apply` deploys.
 */
export const TERRAFORM_DEFAULTS = {
  lambdaTimeoutSeconds: 10,
  lambdaMemorySizeMb: 256,
  authorizerCacheTtlSeconds: 60,
  lambdaRuntime: 'nodejs24.x',
  throttlingRateLimit: 50,
  throttlingBurstLimit: 100,
} as const;

/** One command-line flag, as `--help` and the README's flag table list it. */
export interface FlagDoc {
  flag: string;
  /** The value it takes, e.g. `<n>`; none for a switch. */
  value?: string;
  description: string;
  /** Meant for the tests and fault injection rather than for everyday use. */
  forTests?: true;
}

/** Every flag of `npm start`, in the order `--help` lists them. */
export const FLAGS: readonly FlagDoc[] = [
  {
    flag: 'port',
    value: '<n>',
    description: 'port on 127.0.0.1 (default 3000, or $PORT; 0 picks a free one)',
  },
  { flag: 'stage', value: '<name>', description: 'API stage in the URL (default dev)' },
  {
    flag: 'data-dir',
    value: '<dir>',
    description: `where the store keeps its data (default ${DEFAULT_DATA_DIR}/)`,
  },
  { flag: 'in-memory', description: 'keep the store in memory; every counter starts at zero' },
  {
    flag: 'identity',
    value: '<mode>',
    description:
      'header (default): the client names its tenant in x-tenant-id; jwt: both routes need a token of the local issuer (tenant_identity)',
  },
  {
    flag: 'no-authorizer',
    description:
      'header mode without the tenant id authorizer: X-Amz-Tenant-Id is mapped from the raw x-tenant-id header (tenant_id_authorizer = false; needs --no-tenant-scoped-credentials)',
  },
  {
    flag: 'no-tenant-scoped-credentials',
    description:
      'the isolated function writes with its own credentials instead of the tenant credentials the authorizer brokers (tenant_scoped_credentials = false)',
  },
  {
    flag: 'authorizer-cache-ttl',
    value: '<s>',
    description: `seconds an authorizer answer is cached per identity value (default ${TERRAFORM_DEFAULTS.authorizerCacheTtlSeconds}, 0-${AUTHORIZER_TTL_SECONDS.max}; 0 turns caching off)`,
  },
  {
    flag: 'timeout',
    value: '<s>',
    description: `function timeout in seconds (default ${TERRAFORM_DEFAULTS.lambdaTimeoutSeconds}, ${LAMBDA_TIMEOUT_SECONDS.min}-${LAMBDA_TIMEOUT_SECONDS.max})`,
  },
  {
    flag: 'memory',
    value: '<MB>',
    description: `memory per environment, caps its heap (default ${TERRAFORM_DEFAULTS.lambdaMemorySizeMb}, ${LAMBDA_MEMORY_MB.min}-${LAMBDA_MEMORY_MB.max})`,
  },
  {
    flag: 'throttle-rate',
    value: '<rps>',
    description: `stage throttling, steady requests per second per method (default ${TERRAFORM_DEFAULTS.throttlingRateLimit}; 0 turns throttling off)`,
  },
  {
    flag: 'throttle-burst',
    value: '<n>',
    description: `stage throttling, burst per method (default ${TERRAFORM_DEFAULTS.throttlingBurstLimit}; 0 turns throttling off)`,
  },
  { flag: 'help', description: 'this text' },
  {
    flag: 'functions-dir',
    value: '<dir>',
    description:
      'where <function>/index.mjs bundles are (default dist/, which npm start builds if stale)',
    forTests: true,
  },
  {
    flag: 'store-endpoint',
    value: '<url>',
    description:
      'use this DynamoDB endpoint instead of the embedded store (the table is created there if missing); excludes --data-dir and --in-memory',
    forTests: true,
  },
  {
    flag: 'integration-timeout',
    value: '<s>',
    description: `API Gateway integration timeout in seconds (default ${REST_DEFAULT_INTEGRATION_TIMEOUT_SECONDS})`,
    forTests: true,
  },
  {
    flag: 'concurrency',
    value: '<n>',
    description: 'invocations in flight per function before throttling (default 1000)',
  },
  {
    flag: 'max-environments',
    value: '<n>',
    description: 'live environments across both functions (default 64)',
  },
  {
    flag: 'idle-timeout',
    value: '<s>',
    description: 'idle environments are stopped after this (default 300)',
  },
];

const usageLines = (flags: readonly FlagDoc[]): string[] =>
  flags.map((doc) => {
    const name = `--${doc.flag}${doc.value === undefined ? '' : ` ${doc.value}`}`;
    return `  ${name.padEnd(28)}${doc.description}`;
  });

export const USAGE = [
  'Usage: npm start -- [options]',
  '',
  ...usageLines(FLAGS.filter((doc) => doc.forTests === undefined)),
  '',
  'For tests and fault injection:',
  '',
  ...usageLines(FLAGS.filter((doc) => doc.forTests !== undefined)),
].join('\n');

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

/** A request rate: a non-negative number (API Gateway accepts fractions, e.g. 0.5). */
const rate = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1_000_000) {
    throw new OptionsError(
      `--${name} must be a number of requests per second, 0 or more (got "${raw}")`,
    );
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
      // Exactly the documented flags: one with a value is a string, one without a switch.
      options: Object.fromEntries(
        FLAGS.map((doc) => [
          doc.flag,
          doc.value === undefined
            ? { type: 'boolean' as const, ...(doc.flag === 'help' ? { short: 'h' } : {}) }
            : { type: 'string' as const },
        ]),
      ),
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
  if (!STAGE_NAME_PATTERN.test(stage)) {
    throw new OptionsError(
      `--stage must be 1-128 letters, digits, hyphens or underscores (got "${stage}")`,
    );
  }
  const portRaw = text('port') ?? env.PORT;
  const dataDir = text('data-dir');
  if (dataDir === '') throw new OptionsError('--data-dir must not be empty');
  const functionsDir = text('functions-dir');
  if (functionsDir === '') throw new OptionsError('--functions-dir must not be empty');
  const timeoutMs = seconds(
    'timeout',
    text('timeout'),
    TERRAFORM_DEFAULTS.lambdaTimeoutSeconds,
    LAMBDA_TIMEOUT_SECONDS.min,
    LAMBDA_TIMEOUT_SECONDS.max,
  );
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
  const identity = text('identity') ?? 'header';
  if (identity !== 'header' && identity !== 'jwt') {
    throw new OptionsError(`--identity must be header or jwt (got "${identity}")`);
  }
  if (!authorizer && identity === 'jwt') {
    throw new OptionsError('--identity jwt needs the authorizer (drop --no-authorizer)');
  }
  const tenantScopedCredentials = values['no-tenant-scoped-credentials'] !== true;
  if (!authorizer && tenantScopedCredentials) {
    // main.tf refuses the same combination with a precondition: the authorizer brokers them.
    throw new OptionsError(
      '--no-authorizer needs --no-tenant-scoped-credentials: the authorizer brokers the tenant credentials',
    );
  }
  const ttlSeconds = integer(
    'authorizer-cache-ttl',
    text('authorizer-cache-ttl'),
    TERRAFORM_DEFAULTS.authorizerCacheTtlSeconds,
    0,
    AUTHORIZER_TTL_SECONDS.max,
  );
  if (
    tenantScopedCredentials &&
    2 * (ttlSeconds + timeoutMs / 1000) > ROLE_CHAINING_SESSION_SECONDS.max
  ) {
    // main.tf's precondition: a cached answer's credentials must outlast the TTL plus one
    // function run, within the one hour that role chaining allows.
    throw new OptionsError(
      '--authorizer-cache-ttl plus --timeout must be at most 1800 s with tenant-scoped credentials',
    );
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
      REST_DEFAULT_INTEGRATION_TIMEOUT_SECONDS,
      0.05,
      300,
    ),
    memoryMb: integer(
      'memory',
      text('memory'),
      TERRAFORM_DEFAULTS.lambdaMemorySizeMb,
      LAMBDA_MEMORY_MB.min,
      LAMBDA_MEMORY_MB.max,
    ),
    concurrency: integer('concurrency', text('concurrency'), 1000, 1, 100_000),
    maxEnvironments: integer('max-environments', text('max-environments'), 64, 1, 10_000),
    idleTimeoutMs: seconds('idle-timeout', text('idle-timeout'), 300, 0.1, 86_400),
    authorizer,
    identity,
    tenantScopedCredentials,
    // Whole seconds, as variables.tf validates authorizer_cache_ttl_seconds.
    authorizerCacheTtlMs: ttlSeconds * 1000,
    throttle: {
      rate: rate('throttle-rate', text('throttle-rate'), TERRAFORM_DEFAULTS.throttlingRateLimit),
      burst: integer(
        'throttle-burst',
        text('throttle-burst'),
        TERRAFORM_DEFAULTS.throttlingBurstLimit,
        0,
        1_000_000,
      ),
    },
    storeEndpoint: storeEndpoint?.replace(/\/$/, ''),
    help: values.help === true,
  };
};
