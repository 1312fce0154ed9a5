/**
 * Hostile and mistaken HTTP requests against the real CLI: each gets the answer API Gateway or
 * the function gives in AWS, and nothing is written — proved by scanning the store afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_ID_RULE } from '../../src/domain/tenant-id.js';
import { tableName } from '../../src/local/dynamodb/table.js';
import { readCounters } from '../support/dynalite.js';
import { type RunningCli, rawRequest, startCli } from '../support/local-cli.js';

const MISSING_TOKEN = '{"message":"Missing Authentication Token"}';
const FORBIDDEN = '{"message":"Forbidden"}';
const MISSING_HEADER = '{"message": "Missing required request parameters: [x-tenant-id]"}';
const INTERNAL = '{"message": "Internal server error"}';
const TOO_LARGE = '{"message":"Request Too Long"}';
// main.tf's gateway responses for the tenant id authorizer (jsonencode: no spaces).
const UNAUTHORIZED = '{"message":"Missing required request parameters: [x-tenant-id]"}';
const ACCESS_DENIED = `{"error":"InvalidTenantId","message":"Invalid tenant id: ${TENANT_ID_RULE}"}`;

interface HostileCase {
  label: string;
  /** Path after the origin, e.g. /dev/isolated. */
  path: string;
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: Buffer;
  status: number;
  /** Exact body (gateway answers) or the function's `error` code (its 400s). */
  body_?: string;
  error?: string;
}

const onIsolated = (label: string, tenant: string | string[], status: number, expected: string) =>
  status === 400 && !expected.startsWith('{')
    ? { label, path: '/dev/isolated', headers: { 'x-tenant-id': tenant }, status, error: expected }
    : { label, path: '/dev/isolated', headers: { 'x-tenant-id': tenant }, status, body_: expected };

const onStandard = (label: string, tenant: string | string[], error = 'InvalidTenantId') => ({
  label,
  path: '/dev/standard',
  headers: { 'x-tenant-id': tenant },
  status: 400,
  error,
});

/** What both modes answer the same way: routes, stages, payload limits, /standard. */
const COMMON: HostileCase[] = [
  // No such resource or method.
  {
    label: 'POST /standard',
    path: '/dev/standard',
    method: 'POST',
    status: 403,
    body_: MISSING_TOKEN,
  },
  {
    label: 'DELETE /isolated',
    path: '/dev/isolated',
    method: 'DELETE',
    headers: { 'x-tenant-id': 'Tenant-1' },
    status: 403,
    body_: MISSING_TOKEN,
  },
  {
    label: 'PUT /isolated',
    path: '/dev/isolated',
    method: 'PUT',
    status: 403,
    body_: MISSING_TOKEN,
  },
  { label: 'an unknown resource', path: '/dev/admin', status: 403, body_: MISSING_TOKEN },
  { label: 'the stage root', path: '/dev', status: 403, body_: MISSING_TOKEN },
  { label: 'a sub-path', path: '/dev/standard/extra', status: 403, body_: MISSING_TOKEN },
  { label: 'another letter case', path: '/dev/STANDARD', status: 403, body_: MISSING_TOKEN },
  { label: 'a stage that is not deployed', path: '/prod/standard', status: 403, body_: FORBIDDEN },
  { label: 'the bare root', path: '/', status: 403, body_: FORBIDDEN },
  // Payload limits: API Gateway's 10 MB, then Lambda's 6 MB for the event.
  {
    label: 'an 11 MB body',
    path: '/dev/standard',
    body: Buffer.alloc(11 * 1024 * 1024, 'a'),
    status: 413,
    body_: TOO_LARGE,
  },
  {
    label: 'a 7 MB body (event over Lambda 6 MB)',
    path: '/dev/standard',
    body: Buffer.alloc(7 * 1024 * 1024, 'a'),
    status: 500,
    body_: INTERNAL,
  },
  onStandard('a slash on /standard', 'acme/evil'),
  onStandard('a space on /standard', 'acme corp'),
  onStandard('a 129-character id on /standard', 'x'.repeat(129)),
  onStandard('a duplicated header on /standard', ['Tenant-1', 'Tenant-2'], 'DuplicateHeader'),
];

/**
 * With the tenant id authorizer (the default): a missing id is API Gateway's 401 UNAUTHORIZED
 * and a refused one its ACCESS_DENIED, both mapped by main.tf to JSON 400s (their bodies are
 * compared with main.tf in test/e2e/authorizer.test.ts). No environment starts for either.
 */
const WITH_AUTHORIZER: HostileCase[] = [
  { label: 'no x-tenant-id on /isolated', path: '/dev/isolated', status: 400, body_: UNAUTHORIZED },
  onIsolated('an empty x-tenant-id on /isolated', '', 400, UNAUTHORIZED),
  {
    label: 'X-Amz-Tenant-Id instead of x-tenant-id',
    path: '/dev/isolated',
    headers: { 'X-Amz-Tenant-Id': 'Tenant-1' },
    status: 400,
    body_: UNAUTHORIZED,
  },
  {
    label: 'the tenant in the query string instead of the header',
    path: '/dev/isolated?x-tenant-id=Tenant-1',
    status: 400,
    body_: UNAUTHORIZED,
  },
  // Ids Lambda itself refuses: denied at the edge, so never a 5xx.
  onIsolated('a 257-character tenant id', 'x'.repeat(257), 400, ACCESS_DENIED),
  onIsolated('a 10 KB tenant id', 'x'.repeat(10_240), 400, ACCESS_DENIED),
  onIsolated('a # (key prefix)', 'TENANT#x', 400, ACCESS_DENIED),
  onIsolated('JSON', '{"tenant":"x"}', 400, ACCESS_DENIED),
  onIsolated('SQL-ish quotes', "x' OR '1'='1", 400, ACCESS_DENIED),
  onIsolated('a non-ASCII letter', 'äcme', 400, ACCESS_DENIED),
  onIsolated('a comma', 'a,b', 400, ACCESS_DENIED),
  onIsolated('a tab', 'acme\tcorp', 400, ACCESS_DENIED),
  // Ids Lambda accepts but our policy refuses: denied at the edge too.
  onIsolated('a space', 'acme corp', 400, ACCESS_DENIED),
  onIsolated('a slash', 'acme/evil', 400, ACCESS_DENIED),
  onIsolated('a path traversal', '../../etc/passwd', 400, ACCESS_DENIED),
  onIsolated('a 129-character tenant id', 'x'.repeat(129), 400, ACCESS_DENIED),
  onIsolated('a leading hyphen', '-acme', 400, ACCESS_DENIED),
  // Repeated: the last value is the identity source and the cache key, so it alone decides.
  onIsolated(
    'a duplicated header whose last value is refused',
    ['Tenant-1', 'not valid!'],
    400,
    ACCESS_DENIED,
  ),
];

/**
 * `--no-authorizer` (tenant_id_authorizer = false, the original pattern): the request validator
 * answers a missing header, the raw header becomes X-Amz-Tenant-Id, so an id Lambda refuses fails
 * the invoke (500) and an id only our policy refuses gets the function's own 400.
 */
const RAW_HEADER: HostileCase[] = [
  {
    label: 'no x-tenant-id on /isolated',
    path: '/dev/isolated',
    status: 400,
    body_: MISSING_HEADER,
  },
  onIsolated('an empty x-tenant-id on /isolated', '', 400, MISSING_HEADER),
  {
    label: 'X-Amz-Tenant-Id instead of x-tenant-id',
    path: '/dev/isolated',
    headers: { 'X-Amz-Tenant-Id': 'Tenant-1' },
    status: 400,
    body_: MISSING_HEADER,
  },
  // Tenant ids Lambda itself refuses: the invoke fails inside AWS.
  onIsolated('a 257-character tenant id', 'x'.repeat(257), 500, INTERNAL),
  onIsolated('a 10 KB tenant id', 'x'.repeat(10_240), 500, INTERNAL),
  onIsolated('a # (key prefix)', 'TENANT#x', 500, INTERNAL),
  onIsolated('JSON', '{"tenant":"x"}', 500, INTERNAL),
  onIsolated('SQL-ish quotes', "x' OR '1'='1", 500, INTERNAL),
  onIsolated('a non-ASCII letter', 'äcme', 500, INTERNAL),
  onIsolated('a comma', 'a,b', 500, INTERNAL),
  onIsolated('a tab', 'acme\tcorp', 500, INTERNAL),
  // Ids Lambda accepts but our policy refuses: the function answers 400 itself.
  onIsolated('a space', 'acme corp', 400, 'InvalidTenantId'),
  onIsolated('a slash', 'acme/evil', 400, 'InvalidTenantId'),
  onIsolated('a path traversal', '../../etc/passwd', 400, 'InvalidTenantId'),
  onIsolated('a 129-character tenant id', 'x'.repeat(129), 400, 'InvalidTenantId'),
  onIsolated('a leading hyphen', '-acme', 400, 'InvalidTenantId'),
  onStandard('a slash on /standard', 'acme/evil'),
  onStandard('a space on /standard', 'acme corp'),
  onStandard('a 129-character id on /standard', 'x'.repeat(129)),
  onStandard('a duplicated header on /standard', ['Tenant-1', 'Tenant-2'], 'DuplicateHeader'),
];

describe.each([
  { mode: 'with the tenant id authorizer', args: [], cases: [...COMMON, ...WITH_AUTHORIZER] },
  // The common cases do not depend on the mode: run once, above.
  { mode: 'with --no-authorizer', args: ['--no-authorizer'], cases: RAW_HEADER },
])('local stack hostile input $mode', ({ args, cases: CASES }) => {
  let cli: RunningCli;
  let origin: string;

  beforeAll(async () => {
    cli = await startCli(['--in-memory', ...args]);
    origin = new URL(cli.standardUrl).origin;
  });

  afterAll(async () => {
    await cli.stop('SIGKILL');
  });

  it.each(CASES)('answers $label with $status', async (hostile) => {
    const response = await rawRequest(`${origin}${hostile.path}`, {
      ...(hostile.method === undefined ? {} : { method: hostile.method }),
      ...(hostile.headers === undefined ? {} : { headers: hostile.headers }),
      ...(hostile.body === undefined ? {} : { body: hostile.body }),
    });

    expect(response.status).toBe(hostile.status);
    expect(response.headers['content-type']).toBe('application/json');
    if (hostile.body_ !== undefined) expect(response.body).toBe(hostile.body_);
    if (hostile.error !== undefined) {
      expect(JSON.parse(response.body)).toMatchObject({ error: hostile.error });
    }
  });

  it('wrote nothing for any of them', async () => {
    for (const hostile of CASES) {
      await rawRequest(`${origin}${hostile.path}`, {
        ...(hostile.method === undefined ? {} : { method: hostile.method }),
        ...(hostile.headers === undefined ? {} : { headers: hostile.headers }),
        ...(hostile.body === undefined ? {} : { body: hostile.body }),
      });
    }

    expect(await readCounters(cli.storeEndpoint, tableName('local'))).toEqual({});
  }, 60_000);

  it('answers a CORS preflight on both resources without running a function', async () => {
    for (const path of ['/dev/standard', '/dev/isolated']) {
      const response = await rawRequest(`${origin}${path}`, { method: 'OPTIONS' });

      expect(response.status).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.headers['access-control-allow-methods']).toBe('GET,OPTIONS');
      expect(response.headers['access-control-allow-headers']).toContain('Content-Type');
      expect(response.headers['access-control-allow-headers']).toContain('x-tenant-id');
      expect(response.headers['x-local-environment-id']).toBeUndefined();
    }
  });

  it('never hands a tenant id to the standard function, whatever the client sends', async () => {
    const response = await rawRequest(cli.standardUrl, {
      headers: { 'X-Amz-Tenant-Id': 'Tenant-9', 'x-tenant-id': 'Tenant-1' },
    });

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      tenant_id: 'Tenant-1',
      isolation_enabled: false,
    });
  });
});
