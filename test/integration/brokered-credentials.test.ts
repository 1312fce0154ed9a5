/**
 * The isolated handler with brokered credentials (TENANT_CREDENTIALS=authorizer), from the
 * sources and from the bundle: it signs each write with the tenant credentials that arrive in
 * `requestContext.authorizer` — checked at the store, which records the access key of every
 * signed request — keeps its client while they stay the same, and refuses (500, an ERROR log,
 * nothing written) any request whose tenants disagree or that carries no credentials.
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCountersTable,
  type RunningStore,
  readCounters,
  startDynalite,
} from '../../scripts/lib/dynalite.js';
import { lambdaContext, restEvent } from '../../scripts/lib/lambda-fixtures.js';
import { loadHandler, parseResponse, uniqueTableName, VARIANTS } from '../support/handlers.js';
import { captureLambdaLog } from '../support/lambda-log.js';

let store: RunningStore;
const signingKeys: string[] = [];

const recordSigningKey = (request: IncomingMessage) => {
  const match = /Credential=([^/]+)\//.exec(String(request.headers.authorization));
  if (match?.[1]) signingKeys.push(match[1]);
};

beforeAll(async () => {
  store = await startDynalite({ onRequest: recordSigningKey });
  process.env.TENANT_CREDENTIALS = 'authorizer';
});

afterAll(async () => {
  delete process.env.TENANT_CREDENTIALS;
  await store.close();
});

const credentialsOf = (tenantId: string, generation = 1) => ({
  tenantId,
  accessKeyId: `ASIA${tenantId.toUpperCase().replace(/[^A-Z0-9]/g, '')}${generation}`,
  secretAccessKey: 'secret',
  sessionToken: `token-${generation}`,
});

type Handler = Awaited<ReturnType<typeof loadHandler>>;

const call = (handler: Handler, contextTenant: string, authorizer?: Record<string, string>) => {
  const context = lambdaContext({ tenantId: contextTenant });
  return captureLambdaLog(context, () =>
    handler(
      restEvent({ path: '/isolated', ...(authorizer === undefined ? {} : { authorizer }) }),
      context,
    ).then(parseResponse),
  );
};

describe.each(VARIANTS)('isolated handler with brokered credentials (%s)', (variant) => {
  let tableName: string;
  let environment: Handler;

  beforeAll(async () => {
    tableName = uniqueTableName('brokered');
    await createCountersTable(store.endpoint, tableName);
    environment = await loadHandler('isolated', variant, { tableName, endpoint: store.endpoint });
  });

  it('signs its writes with the credentials of the authorizer, and follows them when they change', async () => {
    signingKeys.length = 0;
    expect(
      (await call(environment, 'org:acme', credentialsOf('org:acme'))).result.json.counter,
    ).toBe(1);
    expect(
      (await call(environment, 'org:acme', credentialsOf('org:acme'))).result.json.counter,
    ).toBe(2);
    expect(
      (await call(environment, 'org:acme', credentialsOf('org:acme', 2))).result.json.counter,
    ).toBe(3);

    expect(signingKeys).toEqual([
      credentialsOf('org:acme').accessKeyId,
      credentialsOf('org:acme').accessKeyId,
      credentialsOf('org:acme', 2).accessKeyId,
    ]);
  });

  it.each([
    ['credentials for tenant A with context.tenantId B', 'org:acme', credentialsOf('globex')],
    [
      'an authorizer tenant that differs from the credentials owner',
      'org:acme',
      { ...credentialsOf('org:acme'), tenantId: 'globex' },
    ],
    ['a second tenant in an environment bound to the first', 'globex', credentialsOf('globex')],
    ['no credentials at all', 'org:acme', { tenantId: 'org:acme' }],
    ['no authorizer context', 'org:acme', undefined],
  ])(
    'refuses %s with a 500 and an ERROR log, writing nothing',
    async (_label, tenant, authorizer) => {
      const before = await readCounters(store.endpoint, tableName);
      const { result, lines } = await call(environment, tenant, authorizer);

      expect(result.statusCode).toBe(500);
      expect(result.json).toEqual({
        error: 'InternalServerError',
        message: 'Internal server error',
      });
      expect(lines.at(-1)).toMatchObject({
        level: 'ERROR',
        message: { message: 'Request failed' },
      });
      expect(await readCounters(store.endpoint, tableName)).toEqual(before);
    },
  );
});
