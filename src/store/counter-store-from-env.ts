import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { requireEnv } from '../config/env.js';
import { isRecord } from '../types/is-record.js';
import type { CounterStore } from './counter-store.js';
import { DynamoDbCounterStore } from './dynamodb-counter-store.js';
import { TenantBinding } from './tenant-binding.js';

/**
 * The counter store a handler uses, built once at module scope (the init phase): one
 * DynamoDBClient per execution environment — under PER_TENANT, one per tenant environment —
 * reused by every invocation that environment serves.
 *
 * Region and credentials come from the Lambda environment as usual; `AWS_ENDPOINT_URL_DYNAMODB`
 * (a standard SDK setting) is how tests and the local stack point the very same code at an
 * embedded store.
 *
 * SDK defaults on purpose, with no client-side socket timeouts: ADD is not idempotent, and a
 * short timeout would make "the write landed but the answer was late" — which the SDK retries,
 * counting twice — far more likely under load. The function timeout bounds a hung store instead.
 * The SDK still retries connection resets and 5xx answers (3 attempts), so a double count stays
 * possible, if rare; exactly-once increments would need a conditional write with a request id.
 */
export const counterStoreFromEnv = (): CounterStore =>
  new DynamoDbCounterStore(new DynamoDBClient({}), requireEnv('TABLE_NAME'));

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
    const shared = new DynamoDbCounterStore(new DynamoDBClient({}), tableName);
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
          credentials: { accessKeyId, secretAccessKey, sessionToken },
        });
        current = { key, client, store: new DynamoDbCounterStore(client, tableName) };
      }
      return current.store;
    },
  };
};
