/**
 * Client mistakes and hostile input: each gets the documented 4xx with a JSON body, never a 5xx,
 * and writes nothing — proved by scanning the table afterwards.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createCountersTable, readCounters } from '../../scripts/lib/dynalite.js';
import { lambdaContext, restEvent } from '../../scripts/lib/lambda-fixtures.js';
import {
  type FunctionKey,
  type LoadedHandler,
  loadHandler,
  parseResponse,
  uniqueTableName,
  VARIANTS,
} from '../support/handlers.js';

const endpoint = inject('dynamodbEndpoint');

interface HostileCase {
  label: string;
  fn: FunctionKey;
  event: unknown;
  tenantId?: string;
  status: number;
  error: string;
}

const onStandard = (label: string, header: string | string[], error = 'InvalidTenantId') => ({
  label,
  fn: 'standard' as const,
  event: restEvent({ path: '/standard', headers: { 'x-tenant-id': header } }),
  status: 400,
  error,
});

const onIsolated = (label: string, tenantId: string | undefined, error = 'InvalidTenantId') => ({
  label,
  fn: 'isolated' as const,
  // The raw header always looks fine: only Lambda's tenant id is trusted.
  event: restEvent({ path: '/isolated', headers: { 'x-tenant-id': 'Tenant-1' } }),
  ...(tenantId === undefined ? {} : { tenantId }),
  status: 400,
  error,
});

const CASES: HostileCase[] = [
  onStandard('an empty tenant header', ''),
  onStandard('a whitespace tenant header', '   '),
  onStandard('a 129-character tenant id', 'x'.repeat(129)),
  onStandard('a 10 KB tenant id', 'x'.repeat(10_240)),
  onStandard('a slash', 'acme/evil'),
  onStandard('a space', 'acme corp'),
  onStandard('a tab', 'acme\tcorp'),
  onStandard('a newline', 'acme\ncorp'),
  onStandard('unicode', 'äcme'),
  onStandard('a key prefix', 'TENANT#x'),
  onStandard('JSON', '{"tenant":"x"}'),
  onStandard('SQL-ish', "x' OR '1'='1"),
  onStandard('a path traversal', '../../etc/passwd'),
  onStandard('a duplicated header', ['Tenant-1', 'Tenant-2'], 'DuplicateHeader'),
  {
    label: 'the header under two letter cases',
    fn: 'standard',
    event: restEvent({ headers: { 'x-tenant-id': 'a', 'X-TENANT-ID': 'b' } }),
    status: 400,
    error: 'DuplicateHeader',
  },
  ...['POST', 'PUT', 'DELETE'].map((method) => ({
    label: `${method} on /standard`,
    fn: 'standard' as const,
    event: restEvent({ method, body: '{"counter":1000}' }),
    status: 405,
    error: 'MethodNotAllowed',
  })),
  {
    label: 'POST on /isolated',
    fn: 'isolated',
    event: restEvent({ method: 'POST', path: '/isolated' }),
    tenantId: 'Tenant-1',
    status: 405,
    error: 'MethodNotAllowed',
  },
  ...(
    [
      ['null', null],
      ['an empty object', {}],
      ['an HTTP API 2.0 event', { version: '2.0', rawPath: '/standard', requestContext: {} }],
      ['a string', 'GET /standard'],
    ] as const
  ).flatMap(([label, event]) =>
    (['standard', 'isolated'] as const).map((fn) => ({
      label: `${label} as the event of ${fn}`,
      fn,
      event,
      tenantId: 'Tenant-1',
      status: 400,
      error: 'UnsupportedEvent',
    })),
  ),
  onIsolated('no tenant id from Lambda', undefined, 'MissingTenantId'),
  onIsolated('an empty tenant id from Lambda', ''),
  onIsolated('a tenant id with a space (Lambda allows it, we do not)', 'acme corp'),
  onIsolated('a tenant id with a slash', 'acme/corp'),
  onIsolated('a 256-character tenant id', 'x'.repeat(256)),
];

describe.each(VARIANTS)('hostile input (%s)', (variant) => {
  let tableName: string;
  const handlers: Partial<Record<FunctionKey, LoadedHandler>> = {};

  beforeAll(async () => {
    tableName = uniqueTableName(`hostile-${variant}`);
    await createCountersTable(endpoint, tableName);
    handlers.standard = await loadHandler('standard', variant, { tableName, endpoint });
    handlers.isolated = await loadHandler('isolated', variant, { tableName, endpoint });
  });

  it('covers at least 20 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  it.each(CASES)('answers $label with $status $error and writes nothing', async (testCase) => {
    const handler = handlers[testCase.fn];
    if (!handler) throw new Error(`handler ${testCase.fn} not loaded`);
    const context =
      testCase.tenantId === undefined
        ? lambdaContext()
        : lambdaContext({ tenantId: testCase.tenantId });

    const response = parseResponse(await handler(testCase.event, context));

    expect(response.statusCode).toBe(testCase.status);
    expect(response.json.error).toBe(testCase.error);
    expect(typeof response.json.message).toBe('string');
    expect(response.headers['Content-Type']).toBe('application/json');
    expect(await readCounters(endpoint, tableName)).toEqual({});
  });
});
