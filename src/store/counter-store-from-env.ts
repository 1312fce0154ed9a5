import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { requireEnv } from '../config/env.js';
import { isRecord } from '../types/is-record.js';
import type { CounterStore } from './counter-store.js';
import { DynamoDbCounterStore } from './dynamodb-counter-store.js';
import { TenantBinding } from './tenant-binding.js';

type ClientConfig = NonNullable<ConstructorParameters<typeof DynamoDBClient>[0]>;
type Credentials = Exclude<NonNullable<ClientConfig['credentials']>, (...args: never[]) => unknown>;
type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The credentials Lambda gives a function's execution role, read from the three environment
 * variables it sets, once, on the first request — what the SDK's default provider chain ends up
 * with in Lambda, without the chain (its code, in chunks/, then never loads).
 */
const environmentCredentials = (env: Environment) => async (): Promise<Credentials> => {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set (Lambda sets them)');
  }
  const sessionToken = env.AWS_SESSION_TOKEN;
  return sessionToken
    ? { accessKeyId, secretAccessKey, sessionToken }
    : { accessKeyId, secretAccessKey };
};

/** The SDK's reading of a boolean setting's environment variable. */
const flag = (value: string | undefined): boolean => value?.toLowerCase() === 'true';

/**
 * DynamoDB client settings from the environment alone. Left to itself, the client resolves
 * each of these from its environment variable, else from the shared config files
 * (~/.aws/config and ~/.aws/credentials), else a default, on the first request; Lambda has no
 * such files, so each lookup is a failed read and a thrown-and-caught error in every new
 * execution environment. Here each setting is its environment variable, else the client's
 * default, never a file: the same values in Lambda (the bench checks them against the SDK's
 * own resolution), without the lookups.
 *
 * - Region: Lambda sets `AWS_REGION`.
 * - Endpoint: `AWS_ENDPOINT_URL_DYNAMODB` or `AWS_ENDPOINT_URL` (standard SDK settings; the tests
 *   and the local stack point the code at an embedded store with it), unless
 *   `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`; without one, the Regional endpoint as usual.
 * - Retries as the SDK does them for DynamoDB: standard mode, 4 attempts
 *   (`AWS_RETRY_MODE` / `AWS_MAX_ATTEMPTS` still override).
 * - No client-side socket timeout, on purpose: the request handler is the SDK's default. ADD
 *   is not idempotent, and a short timeout would make "the write landed but the answer was
 *   late" — which the SDK retries, counting twice — far more likely under load. The function
 *   timeout bounds a hung store instead. The SDK still retries connection resets and 5xx
 *   answers, so a double count stays possible, if rare; exactly-once increments would need a
 *   conditional write with a request id.
 * - `streamCollector`: reads the response body as the Node stream it always is with the SDK's
 *   Node HTTP handler. The SDK's collector first asks whether it is a web `ReadableStream`,
 *   and merely naming that global makes Node load its web streams — compiled from source, since
 *   Lambda starts Node with `--expose-gc` (bench/report.md) — on every first request.
 */
export const clientConfigFromEnv = (env: Environment = process.env): ClientConfig => {
  const endpoint = flag(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)
    ? undefined
    : env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL || undefined;
  const maxAttempts = Number(env.AWS_MAX_ATTEMPTS);
  return {
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(endpoint === undefined ? { ignoreConfiguredEndpointUrls: true } : { endpoint }),
    useFipsEndpoint: flag(env.AWS_USE_FIPS_ENDPOINT),
    useDualstackEndpoint: flag(env.AWS_USE_DUALSTACK_ENDPOINT),
    retryMode: env.AWS_RETRY_MODE || 'standard',
    maxAttempts: Number.isSafeInteger(maxAttempts) && maxAttempts > 0 ? maxAttempts : 4,
    defaultsMode: 'legacy',
    accountIdEndpointMode: 'preferred',
    authSchemePreference: [],
    userAgentAppId: async () => env.AWS_SDK_UA_APP_ID,
    disableClockSkewCorrection: flag(env.AWS_DISABLE_CLOCK_SKEW_CORRECTION),
    streamCollector: collectNodeStream,
  };
};

/** The response body as bytes; the SDK's Node HTTP handler always answers with a Node stream. */
const collectNodeStream = (stream: unknown): Promise<Uint8Array> =>
  new Promise((resolve, reject) => {
    const body = stream as NodeJS.ReadableStream;
    const chunks: Buffer[] = [];
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    body.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    body.on('error', reject);
  });

/**
 * The counter store a handler uses, built once at module scope (the init phase): one
 * DynamoDBClient per execution environment — under PER_TENANT, one per tenant environment —
 * reused by every invocation that environment serves, signing with the function's own role.
 */
export const counterStoreFromEnv = (): CounterStore =>
  new DynamoDbCounterStore(ownRoleClient(), requireEnv('TABLE_NAME'));

/** The client settings of a function signing with its own role: the environment's credentials. */
export const ownRoleClientConfig = (env: Environment = process.env): ClientConfig => ({
  ...clientConfigFromEnv(env),
  credentials: environmentCredentials(env),
});

const ownRoleClient = (): DynamoDBClient => new DynamoDBClient(ownRoleClientConfig());

/** A store for one request of the isolated function. */
export interface TenantCounterStores {
  /**
   * `authorizer` is the event's `requestContext.authorizer` (undefined without an authorizer).
   * Throws TenantMismatchError, or MissingTenantCredentialsError, instead of returning a store
   * that would write as the wrong tenant.
   */
  forRequest(tenantId: string, authorizer: unknown): CounterStore;
}

/** The authorizer was expected to hand over the tenant's credentials and did not. */
export class MissingTenantCredentialsError extends Error {
  override readonly name = 'MissingTenantCredentialsError';
}

const authorizerTenantOf = (authorizer: unknown): string | undefined =>
  isRecord(authorizer) ? text(authorizer, 'tenantId') : undefined;

const text = (record: Record<string, unknown>, key: string): string | undefined => {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * For the isolated function. With `TENANT_CREDENTIALS=authorizer` (Terraform sets it unless
 * `tenant_scoped_credentials = false`), the function's own role has no DynamoDB access at all:
 * it signs each UpdateItem with the tenant's credentials that the authorizer brokered and API
 * Gateway passes in `requestContext.authorizer`. The client is kept while those credentials stay
 * the same, and replaced when they change (a new authorizer answer, after its cache TTL).
 * Without it, the function's own role writes, and the key prefix in code keeps tenants apart.
 */
export const tenantCounterStoresFromEnv = (): TenantCounterStores => {
  const tableName = requireEnv('TABLE_NAME');
  const binding = new TenantBinding();

  if (process.env.TENANT_CREDENTIALS !== 'authorizer') {
    // The function's own role may write any tenant's row: nothing tenant-scoped to protect in
    // the environment, so it is not bound; Lambda's and the authorizer's tenants must agree.
    const shared = new DynamoDbCounterStore(ownRoleClient(), tableName);
    return {
      forRequest: (tenantId, authorizer) => {
        TenantBinding.agree(tenantId, authorizerTenantOf(authorizer));
        return shared;
      },
    };
  }

  let current: { key: string; client: DynamoDBClient; store: CounterStore } | undefined;
  return {
    forRequest: (tenantId, authorizer) => {
      const context = isRecord(authorizer) ? authorizer : {};
      binding.check(tenantId, authorizerTenantOf(authorizer));
      const accessKeyId = text(context, 'accessKeyId');
      const secretAccessKey = text(context, 'secretAccessKey');
      const sessionToken = text(context, 'sessionToken');
      if (
        accessKeyId === undefined ||
        secretAccessKey === undefined ||
        sessionToken === undefined
      ) {
        throw new MissingTenantCredentialsError('The authorizer passed no tenant credentials');
      }
      const key = `${accessKeyId}\n${sessionToken}`;
      if (current?.key !== key) {
        current?.client.destroy();
        const client = new DynamoDBClient({
          ...clientConfigFromEnv(),
          credentials: { accessKeyId, secretAccessKey, sessionToken },
        });
        current = { key, client, store: new DynamoDbCounterStore(client, tableName) };
      }
      return current.store;
    },
  };
};
