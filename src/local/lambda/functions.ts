/**
 * The functions of the stack, as one table that mirrors `local.all_functions` in main.tf
 * (test/unit/local/lambda/functions.test.ts compares the two). What differs between functions is
 * data here; no other file of the local stack names a function key.
 *
 * From the table follow what Lambda and Terraform derive from a key: the function name
 * (`<prefix>-<key>`), the bundle (`dist/<key>/index.mjs`, the directory Terraform zips), the
 * environment variables and the Lambda context.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { AuthorizerConfig, IdentityMode } from '../../config/authorizer-config.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION, PROJECT_ROOT } from '../constants.js';
import { TERRAFORM_DEFAULTS } from '../options.js';
import type { ContextData } from './runtime-protocol.js';

export interface FunctionSpec {
  /** main.tf `route`: behind `GET /<key>`; false for the authorizer, which no route invokes. */
  route: boolean;
  /** main.tf `tenant_isolation`: PER_TENANT, so every invoke carries a tenant id. */
  tenantIsolation: boolean;
  /** main.tf `uses_table`: gets TABLE_NAME (and, locally, the store endpoint). */
  usesTable: boolean;
  /**
   * main.tf `authorization`: the identity modes in which the route is behind the authorizer
   * (CUSTOM; in header mode only while tenant_id_authorizer is on), NONE in the others.
   */
  authorizedIn: readonly IdentityMode[];
  /** main.tf `method_request_parameters`: headers the request validator requires, per mode. */
  requiredHeaders: Readonly<Record<IdentityMode, readonly string[]>>;
  /** outputs.tf: the output holding the route's URL (routes only). */
  urlOutput?: string;
}

export const FUNCTIONS = {
  standard: {
    route: true,
    tenantIsolation: false,
    usesTable: true,
    authorizedIn: ['jwt'],
    requiredHeaders: { header: [], jwt: [] },
    urlOutput: 'standard_multi_tenant_api_endpoint_url',
  },
  isolated: {
    route: true,
    tenantIsolation: true,
    usesTable: true,
    authorizedIn: ['header', 'jwt'],
    // In jwt mode the tenant is the token's claim, and x-tenant-id is ignored.
    requiredHeaders: { header: ['x-tenant-id'], jwt: [] },
    urlOutput: 'isolated_tenant_api_endpoint_url',
  },
  authorizer: {
    route: false,
    tenantIsolation: false,
    usesTable: false,
    authorizedIn: [],
    requiredHeaders: { header: [], jwt: [] },
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionKey = keyof typeof FUNCTIONS;

/** The keys of the functions behind a route. */
export type RouteKey = {
  [K in FunctionKey]: (typeof FUNCTIONS)[K]['route'] extends true ? K : never;
}[FunctionKey];

const keys = Object.keys(FUNCTIONS) as FunctionKey[];

export const ROUTE_KEYS = keys.filter((key): key is RouteKey => FUNCTIONS[key].route);

/** The one function that is not a route: the REQUEST authorizer. */
export const AUTHORIZER_FUNCTION: FunctionKey = (() => {
  const [only, ...others] = keys.filter((key) => !FUNCTIONS[key].route);
  if (only === undefined || others.length > 0) throw new Error('expected exactly one authorizer');
  return only;
})();

/** Where `npm run build` writes the bundles, and Terraform zips them from. */
export const DEFAULT_FUNCTIONS_DIR = join(PROJECT_ROOT, 'dist');

/** A function's entry file: `handler = "index.handler"` in main.tf. */
export const bundlePath = (key: string, functionsDir = DEFAULT_FUNCTIONS_DIR): string =>
  join(functionsDir, key, 'index.mjs');

/** What the local Lambda service needs to know to run any function. */
export interface FunctionSettings {
  prefix: string;
  table: string;
  storeEndpoint: string;
  functionsDir: string;
  memoryMb: number;
  timeoutMs: number;
  /** The authorizer's settings, as main.tf sets them on the authorizer function. */
  authorizer: {
    identity: AuthorizerConfig['identity'];
    /** Tenant-scoped credentials, brokered from the local AssumeRole stand-in. */
    broker?: Omit<NonNullable<AuthorizerConfig['broker']>, 'resources'> & { stsEndpoint: string };
  };
}

export const functionName = (prefix: string, key: FunctionKey): string => `${prefix}-${key}`;

const logStreamName = (now: Date): string =>
  `${now.toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;

/** One environment's variables: what Terraform sets, what Lambda sets, the local store. */
export const environmentVariables = (
  settings: FunctionSettings,
  key: FunctionKey,
): Record<string, string> => {
  const name = functionName(settings.prefix, key);
  const spec: FunctionSpec = FUNCTIONS[key];
  const table: Record<string, string> = spec.usesTable
    ? { TABLE_NAME: settings.table, AWS_ENDPOINT_URL_DYNAMODB: settings.storeEndpoint }
    : {};
  const { broker, identity } = settings.authorizer;
  // The function that receives brokered credentials: the one with tenant isolation.
  const receivesCredentials: Record<string, string> =
    broker !== undefined && spec.tenantIsolation ? { TENANT_CREDENTIALS: 'authorizer' } : {};
  const authorizer: Record<string, string> = spec.route
    ? {}
    : {
        TENANT_IDENTITY: identity.mode,
        ...(identity.mode === 'jwt'
          ? {
              JWT_ISSUER: identity.issuer,
              JWT_AUDIENCE: identity.audience,
              JWT_JWKS_URL: identity.jwksUrl.href,
              JWT_TENANT_CLAIM: identity.tenantClaim,
            }
          : {}),
        ...(broker === undefined
          ? {}
          : {
              TENANT_DATA_ROLE_ARN: broker.roleArn,
              TENANT_SESSION_SECONDS: String(broker.sessionSeconds),
              TENANT_CREDENTIALS_MIN_VALIDITY_SECONDS: String(broker.minValiditySeconds),
              TENANT_CREDENTIALS_RESOURCES: ROUTE_KEYS.filter(
                (route) => FUNCTIONS[route].tenantIsolation,
              )
                .map((route) => `/${route}`)
                .join(','),
              AWS_ENDPOINT_URL_STS: broker.stsEndpoint,
            }),
      };
  return {
    ...table,
    ...receivesCredentials,
    ...authorizer,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_EXECUTION_ENV: `AWS_Lambda_${TERRAFORM_DEFAULTS.lambdaRuntime}`,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(settings.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(new Date()),
    LAMBDA_TASK_ROOT: settings.functionsDir,
    NODE_ENV: 'production',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
};

export const contextData = (
  settings: FunctionSettings,
  key: FunctionKey,
  env: Readonly<Record<string, string>>,
  tenantId: string | undefined,
  nowMs: number,
): ContextData => {
  const name = functionName(settings.prefix, key);
  return {
    awsRequestId: randomUUID(),
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${name}`,
    memoryLimitInMB: String(settings.memoryMb),
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? `/aws/lambda/${name}`,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
    tenantId,
    deadlineMs: nowMs + settings.timeoutMs,
  };
};
