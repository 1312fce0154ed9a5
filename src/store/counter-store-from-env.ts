import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { requireEnv } from '../config/env.js';
import type { CounterStore } from './counter-store.js';
import { DynamoDbCounterStore } from './dynamodb-counter-store.js';

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

/** A store for the tenant an isolated environment serves. */
export interface TenantCounterStores {
  forTenant(tenantId: string): CounterStore;
}

/**
 * For the isolated function. With `TENANT_DATA_ROLE_ARN` set (Terraform sets it unless
 * `tenant_scoped_credentials = false`), the DynamoDB client signs with tenant-scoped credentials
 * from that role, and the environment is bound to its first tenant. Without it, the function's
 * own role is used and the key prefix in code keeps tenants apart.
 *
 * The STS client is imported dynamically: the build splits it into a chunk that a function
 * without the role never loads, and a function with it loads here, during init (the handler
 * awaits this at module scope), not on its first request.
 */
export const tenantCounterStoresFromEnv = async (): Promise<TenantCounterStores> => {
  const tableName = requireEnv('TABLE_NAME');
  const roleArn = process.env.TENANT_DATA_ROLE_ARN;
  if (roleArn === undefined || roleArn === '') {
    const shared = new DynamoDbCounterStore(new DynamoDBClient({}), tableName);
    return { forTenant: () => shared };
  }
  const [{ STSClient }, { TenantScopedCredentials }] = await Promise.all([
    import('@aws-sdk/client-sts'),
    import('./tenant-scoped-credentials.js'),
  ]);
  const scoped = new TenantScopedCredentials(new STSClient({}), roleArn);
  const store = new DynamoDbCounterStore(
    new DynamoDBClient({ credentials: scoped.provide }),
    tableName,
  );
  return {
    forTenant: (tenantId) => {
      scoped.bind(tenantId);
      return store;
    },
  };
};
