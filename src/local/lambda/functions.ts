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
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION, PROJECT_ROOT } from '../constants.js';
import type { ContextData } from './runtime-protocol.js';

export interface FunctionSpec {
  /** main.tf `route`: behind `GET /<key>`; false for the authorizer, which no route invokes. */
  route: boolean;
  /** main.tf `tenant_isolation`: PER_TENANT, so every invoke carries a tenant id. */
  tenantIsolation: boolean;
  /** main.tf `uses_table`: gets TABLE_NAME (and, locally, the store endpoint). */
  usesTable: boolean;
  /** main.tf `authorization`: CUSTOM (the tenant id authorizer, when it is on) or NONE. */
  authorized: boolean;
  /** main.tf `method_request_parameters`: headers the request validator requires. */
  requiredHeaders: readonly string[];
  /** outputs.tf: the output holding the route's URL (routes only). */
  urlOutput?: string;
}

export const FUNCTIONS = {
  standard: {
    route: true,
    tenantIsolation: false,
    usesTable: true,
    authorized: false,
    requiredHeaders: [],
    urlOutput: 'standard_multi_tenant_api_endpoint_url',
  },
  isolated: {
    route: true,
    tenantIsolation: true,
    usesTable: true,
    authorized: true,
    requiredHeaders: ['x-tenant-id'],
    urlOutput: 'isolated_tenant_api_endpoint_url',
  },
  authorizer: {
    route: false,
    tenantIsolation: false,
    usesTable: false,
    authorized: false,
    requiredHeaders: [],
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
  const table: Record<string, string> = FUNCTIONS[key].usesTable
    ? { TABLE_NAME: settings.table, AWS_ENDPOINT_URL_DYNAMODB: settings.storeEndpoint }
    : {};
  return {
    ...table,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
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
    ...(tenantId === undefined ? {} : { tenantId }),
    deadlineMs: nowMs + settings.timeoutMs,
  };
};
