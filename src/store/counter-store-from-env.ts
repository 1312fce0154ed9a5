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
 */
export const counterStoreFromEnv = (): CounterStore => {
  // SDK defaults on purpose: no client-side socket timeouts. ADD is not idempotent, and a retry
  // after a timed-out attempt that did land would count twice; the function timeout bounds a
  // hung store instead.
  const client = new DynamoDBClient({});
  return new DynamoDbCounterStore(client, requireEnv('TABLE_NAME'));
};
