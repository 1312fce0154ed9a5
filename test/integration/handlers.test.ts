/**
 * Both handlers against a real DynamoDB-compatible server (dynalite over HTTP), each run twice:
 * from the TypeScript sources and from the built bundles in dist/ that Terraform uploads.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createCountersTable, readCounters } from '../../scripts/lib/dynalite.js';
import { lambdaContext, restEvent } from '../../scripts/lib/lambda-fixtures.js';
import { STANDARD_MESSAGE } from '../../src/domain/response-bodies.js';
import {
  type LoadedHandler,
  loadHandler,
  parseResponse,
  uniqueTableName,
  VARIANTS,
} from '../support/handlers.js';

const endpoint = inject('dynamodbEndpoint');

/** What API Gateway and Lambda deliver for `curl -H "x-tenant-id: <id>" .../standard`. */
const callStandard = (handler: LoadedHandler, tenantHeader?: string) =>
  handler(
    restEvent({
      path: '/standard',
      headers: tenantHeader === undefined ? {} : { 'x-tenant-id': tenantHeader },
    }),
    lambdaContext({ functionName: 'demo-standard' }),
  ).then(parseResponse);

/** What reaches the PER_TENANT function: the header mapped to X-Amz-Tenant-Id → context.tenantId. */
const callIsolated = (handler: LoadedHandler, tenantId: string) =>
  handler(
    restEvent({ path: '/isolated', headers: { 'x-tenant-id': tenantId } }),
    lambdaContext({ functionName: 'demo-isolated', tenantId }),
  ).then(parseResponse);

describe.each(VARIANTS)('handlers (%s) against the embedded store', (variant) => {
  let tableName: string;
  let standard: LoadedHandler;
  let isolated: LoadedHandler;

  beforeAll(async () => {
    tableName = uniqueTableName(variant);
    await createCountersTable(endpoint, tableName);
    standard = await loadHandler('standard', variant, { tableName, endpoint });
    isolated = await loadHandler('isolated', variant, { tableName, endpoint });
  });

  describe('the original pattern curl flow', () => {
    it('counts every tenant on the one shared row of /standard', async () => {
      const first = await callStandard(standard, 'Tenant-1');
      const second = await callStandard(standard, 'Tenant-2');

      expect(first.statusCode).toBe(200);
      expect(first.raw).toBe(
        `{"counter":1,"tenant_id":"Tenant-1","isolation_enabled":false,"message":"${STANDARD_MESSAGE}"}`,
      );
      expect(second.raw).toBe(
        `{"counter":2,"tenant_id":"Tenant-2","isolation_enabled":false,"message":"${STANDARD_MESSAGE}"}`,
      );
    });

    it('keeps one counter per tenant on /isolated, a new tenant starting at 1', async () => {
      const bodies = [];
      for (const tenant of ['Tenant-1', 'Tenant-2', 'Tenant-1']) {
        bodies.push((await callIsolated(isolated, tenant)).raw);
      }
      expect(bodies).toEqual([
        '{"counter":1,"tenant_id":"Tenant-1","isolation_enabled":true,"message":"Counter incremented for tenant Tenant-1"}',
        '{"counter":1,"tenant_id":"Tenant-2","isolation_enabled":true,"message":"Counter incremented for tenant Tenant-2"}',
        '{"counter":2,"tenant_id":"Tenant-1","isolation_enabled":true,"message":"Counter incremented for tenant Tenant-1"}',
      ]);
    });

    it('left exactly the rows the flow implies', async () => {
      expect(await readCounters(endpoint, tableName)).toEqual({
        SHARED: 2,
        'TENANT#Tenant-1': 2,
        'TENANT#Tenant-2': 1,
      });
    });
  });

  it('names its environment in x-environment-id: the same on every call, another in a new one', async () => {
    const again = await loadHandler('isolated', variant, { tableName, endpoint });
    const id = async (handler: LoadedHandler) =>
      (await callIsolated(handler, 'Tenant-E')).headers['x-environment-id'];

    const first = await id(isolated);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(await id(isolated)).toBe(first);
    expect(await id(again)).not.toBe(first);
  });

  it('answers /standard without a tenant header with tenant_id null', async () => {
    const response = await callStandard(standard);
    expect(response.statusCode).toBe(200);
    expect(response.json.tenant_id).toBeNull();
    expect(response.headers['Content-Type']).toBe('application/json');
  });

  it.each(['x-tenant-id', 'X-Tenant-Id', 'X-TENANT-ID'])(
    'echoes a valid tenant sent as %s on /standard',
    async (name) => {
      const response = parseResponse(
        await standard(restEvent({ headers: { [name]: 'acme' } }), lambdaContext()),
      );
      expect(response.json.tenant_id).toBe('acme');
    },
  );

  it('never lets an isolated tenant named SHARED touch the shared row', async () => {
    const before = await readCounters(endpoint, tableName);
    const response = await callIsolated(isolated, 'SHARED');
    const after = await readCounters(endpoint, tableName);

    expect(response.json).toMatchObject({ counter: 1, tenant_id: 'SHARED' });
    expect(after.SHARED).toBe(before.SHARED);
    expect(after['TENANT#SHARED']).toBe(1);
  });

  it('loses no update under 500 concurrent increments over 20 tenants', async () => {
    const table = uniqueTableName(`${variant}-load`);
    await createCountersTable(endpoint, table);
    const loadStandard = await loadHandler('standard', variant, { tableName: table, endpoint });
    const loadIsolated = await loadHandler('isolated', variant, { tableName: table, endpoint });
    const tenants = Array.from({ length: 20 }, (_, i) => `load-${i}`);
    const perTenant = 500 / tenants.length;

    const calls = Array.from({ length: 500 }, (_, i) => {
      const tenant = tenants[i % tenants.length] ?? 'load-0';
      return Promise.all([callIsolated(loadIsolated, tenant), callStandard(loadStandard, tenant)]);
    });
    const responses = (await Promise.all(calls)).flat();

    expect(responses.filter((r) => r.statusCode !== 200).map((r) => r.raw)).toEqual([]);
    const counters = await readCounters(endpoint, table);
    expect(counters.SHARED).toBe(500);
    for (const tenant of tenants) expect(counters[`TENANT#${tenant}`]).toBe(perTenant);
    // Every value a client was given is distinct per row: each increment was seen exactly once.
    const sharedValues = responses
      .filter((r) => r.json.isolation_enabled === false)
      .map((r) => r.json.counter);
    expect(new Set(sharedValues).size).toBe(500);
  });
});
