/**
 * The Lambda functions as the local stack runs them: names, environment variables and
 * context fields as in AWS (Terraform's `<prefix>-<key>` names, `TABLE_NAME`, the variables the
 * Lambda runtime sets), plus what points the SDK at the local store.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { bundlePath } from '../../scripts/build.js';
import type { ContextData } from './protocol.js';
import { LOCAL_ACCOUNT_ID } from './proxy-event.js';
import type { FunctionKey } from './routes.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './store.js';

export interface FunctionSettings {
  prefix: string;
  table: string;
  storeEndpoint: string;
  functionsDir: string;
  memoryMb: number;
  timeoutMs: number;
}

/** The two API functions and the tenant id authorizer (main.tf's `local.all_functions` keys). */
export type LambdaFunctionKey = FunctionKey | 'authorizer';

export const AUTHORIZER_KEY = 'authorizer' satisfies LambdaFunctionKey;

/** main.tf's `uses_table`: only these get TABLE_NAME (and, here, the store endpoint). */
const usesTable = (key: LambdaFunctionKey): boolean => key !== AUTHORIZER_KEY;

export const functionName = (prefix: string, key: LambdaFunctionKey): string => `${prefix}-${key}`;

export const bundleUrl = (settings: FunctionSettings, key: LambdaFunctionKey): string =>
  pathToFileURL(bundlePath(key, settings.functionsDir)).href;

const logStreamName = (now: Date): string =>
  `${now.toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;

/** One environment's variables: what Terraform sets, what Lambda sets, the local store. */
export const environmentVariables = (
  settings: FunctionSettings,
  key: LambdaFunctionKey,
): Record<string, string> => {
  const name = functionName(settings.prefix, key);
  const table: Record<string, string> = usesTable(key)
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
  key: LambdaFunctionKey,
  env: Record<string, string>,
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
