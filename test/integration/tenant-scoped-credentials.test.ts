/**
 * The isolated handler with tenant-scoped credentials (TENANT_DATA_ROLE_ARN set), run from the
 * sources and from the bundle: each environment assumes the tenant data role once, tagged with
 * its tenant, signs its writes with those credentials, and refuses a second tenant.
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createCountersTable,
  type RunningStore,
  readCounters,
  startDynalite,
} from '../../scripts/lib/dynalite.js';
import { lambdaContext, restEvent } from '../../scripts/lib/lambda-fixtures.js';
import { type StsStandIn, startStsStandIn } from '../../scripts/lib/sts-stand-in.js';
import { loadHandler, parseResponse, uniqueTableName, VARIANTS } from '../support/handlers.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/demo-tenant-data';

let store: RunningStore;
let sts: StsStandIn;
const signingKeys: string[] = [];

const recordSigningKey = (request: IncomingMessage) => {
  const match = /Credential=([^/]+)\//.exec(String(request.headers.authorization));
  if (match?.[1]) signingKeys.push(match[1]);
};

beforeAll(async () => {
  store = await startDynalite({ onRequest: recordSigningKey });
  sts = await startStsStandIn();
  process.env.AWS_ENDPOINT_URL_STS = sts.endpoint;
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_STS;
  delete process.env.TENANT_DATA_ROLE_ARN;
  await store.close();
  await sts.close();
});

const call = (handler: Awaited<ReturnType<typeof loadHandler>>, tenantId: string) =>
  handler(restEvent({ path: '/isolated' }), lambdaContext({ tenantId })).then(parseResponse);

describe.each(VARIANTS)('isolated handler with tenant-scoped credentials (%s)', (variant) => {
  it('assumes the role once per environment, tagged with the tenant, and signs writes with it', async () => {
    const tableName = uniqueTableName('scoped');
    await createCountersTable(store.endpoint, tableName);
    process.env.TENANT_DATA_ROLE_ARN = ROLE_ARN;
    const environment = await loadHandler('isolated', variant, {
      tableName,
      endpoint: store.endpoint,
    });
    const callsBefore = sts.calls.length;
    signingKeys.length = 0;

    expect((await call(environment, 'org:acme')).json.counter).toBe(1);
    expect((await call(environment, 'org:acme')).json.counter).toBe(2);

    const calls = sts.calls.slice(callsBefore);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.params).toMatchObject({
      Action: 'AssumeRole',
      RoleArn: ROLE_ARN,
      RoleSessionName: 'tenant-org-acme',
      'Tags.member.1.Key': 'tenant_id',
      'Tags.member.1.Value': 'org:acme',
    });
    expect(new Set(signingKeys)).toEqual(new Set([sts.accessKeyFor('org:acme')]));
  });

  it('refuses a second tenant in the same environment with a 500 and writes nothing', async () => {
    const tableName = uniqueTableName('mismatch');
    await createCountersTable(store.endpoint, tableName);
    process.env.TENANT_DATA_ROLE_ARN = ROLE_ARN;
    const environment = await loadHandler('isolated', variant, {
      tableName,
      endpoint: store.endpoint,
    });
    await call(environment, 'acme');
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    const refused = await call(environment, 'globex');
    const logged = log.mock.calls.map((args) => String(args[0]));
    log.mockRestore();

    expect(refused.statusCode).toBe(500);
    expect(refused.json).toEqual({
      error: 'InternalServerError',
      message: 'Internal server error',
    });
    expect(JSON.parse(logged.at(-1) ?? '{}')).toMatchObject({
      level: 'ERROR',
      tenantId: 'globex',
      errorName: 'TenantMismatchError',
    });
    expect(await readCounters(store.endpoint, tableName)).toEqual({ 'TENANT#acme': 1 });
  });
});
