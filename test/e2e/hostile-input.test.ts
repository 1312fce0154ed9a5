/**
 * Hostile and mistaken HTTP requests against the real CLI: each gets the answer API Gateway or
 * the function gives in AWS, and nothing is written — proved by scanning the store afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCounters } from '../../scripts/lib/dynalite.js';
import { type RunningCli, rawRequest, startCli } from '../../scripts/lib/local-cli.js';
import { tableName } from '../../src/local/dynamodb/table.js';
import {
  FORBIDDEN,
  INTERNAL_SERVER_ERROR_BODY,
  MISSING_AUTHENTICATION_TOKEN,
  missingRequestParameters,
  REQUEST_TOO_LARGE,
  TENANT_ID_ACCESS_DENIED,
  TENANT_ID_UNAUTHORIZED,
} from '../../src/local/gateway/answers.js';

/** An answer: its status, and its exact body (gateway answers) or the function's `error` code. */
interface Expected {
  status: number;
  body?: string;
  error?: string;
}

interface HostileCase {
  label: string;
  /** Path after the origin, e.g. /dev/isolated. */
  path: string;
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: Buffer;
  /**
   * The answer with the tenant id authorizer (the default): a missing id is API Gateway's 401
   * UNAUTHORIZED and a refused one its ACCESS_DENIED, both mapped by main.tf to JSON 400s, and
   * no environment starts for either.
   */
  authorizer: Expected;
  /**
   * The answer with `--no-authorizer` (tenant_id_authorizer = false, the original pattern): the
   * request validator answers a missing header, the raw header becomes X-Amz-Tenant-Id, so an id
   * Lambda refuses fails the invoke (500) and an id only our policy refuses gets the function's
   * own 400.
   */
  noAuthorizer: Expected;
}

const gateway = (answer: { statusCode: number; body: string }): Expected => ({
  status: answer.statusCode,
  body: answer.body,
});
const MISSING_TOKEN = gateway(MISSING_AUTHENTICATION_TOKEN);
const NOT_DEPLOYED = gateway(FORBIDDEN);
const INTERNAL: Expected = { status: 500, body: INTERNAL_SERVER_ERROR_BODY };
const UNAUTHORIZED = gateway(TENANT_ID_UNAUTHORIZED);
const ACCESS_DENIED = gateway(TENANT_ID_ACCESS_DENIED);
const MISSING_HEADER = gateway(missingRequestParameters(['x-tenant-id']));
const functionError = (error: string): Expected => ({ status: 400, error });

/** A case both modes answer the same way. */
const same = (
  label: string,
  request: Pick<HostileCase, 'path' | 'method' | 'headers' | 'body'>,
  expected: Expected,
): HostileCase => ({ label, ...request, authorizer: expected, noAuthorizer: expected });

const onIsolated = (
  label: string,
  tenant: string | string[],
  authorizer: Expected,
  noAuthorizer: Expected,
): HostileCase => ({
  label,
  path: '/dev/isolated',
  headers: { 'x-tenant-id': tenant },
  authorizer,
  noAuthorizer,
});

const onStandard = (label: string, tenant: string | string[], error = 'InvalidTenantId') =>
  same(label, { path: '/dev/standard', headers: { 'x-tenant-id': tenant } }, functionError(error));

const CASES: HostileCase[] = [
  // No such resource or method.
  same('POST /standard', { path: '/dev/standard', method: 'POST' }, MISSING_TOKEN),
  same(
    'DELETE /isolated',
    { path: '/dev/isolated', method: 'DELETE', headers: { 'x-tenant-id': 'Tenant-1' } },
    MISSING_TOKEN,
  ),
  same('PUT /isolated', { path: '/dev/isolated', method: 'PUT' }, MISSING_TOKEN),
  same('an unknown resource', { path: '/dev/admin' }, MISSING_TOKEN),
  same('the stage root', { path: '/dev' }, MISSING_TOKEN),
  same('a sub-path', { path: '/dev/standard/extra' }, MISSING_TOKEN),
  same('another letter case', { path: '/dev/STANDARD' }, MISSING_TOKEN),
  same('a stage that is not deployed', { path: '/prod/standard' }, NOT_DEPLOYED),
  same('the bare root', { path: '/' }, NOT_DEPLOYED),
  // Payload limits: API Gateway's 10 MB, then Lambda's 6 MB for the event.
  same(
    'an 11 MB body',
    { path: '/dev/standard', body: Buffer.alloc(11 * 1024 * 1024, 'a') },
    gateway(REQUEST_TOO_LARGE),
  ),
  same(
    'a 7 MB body (event over Lambda 6 MB)',
    { path: '/dev/standard', body: Buffer.alloc(7 * 1024 * 1024, 'a') },
    INTERNAL,
  ),
  // /standard applies the policy itself, in both modes.
  onStandard('a slash on /standard', 'acme/evil'),
  onStandard('a space on /standard', 'acme corp'),
  onStandard('a 129-character id on /standard', 'x'.repeat(129)),
  onStandard('a duplicated header on /standard', ['Tenant-1', 'Tenant-2'], 'DuplicateHeader'),
  // No tenant id for /isolated.
  {
    label: 'no x-tenant-id on /isolated',
    path: '/dev/isolated',
    authorizer: UNAUTHORIZED,
    noAuthorizer: MISSING_HEADER,
  },
  onIsolated('an empty x-tenant-id on /isolated', '', UNAUTHORIZED, MISSING_HEADER),
  {
    label: 'X-Amz-Tenant-Id instead of x-tenant-id',
    path: '/dev/isolated',
    headers: { 'X-Amz-Tenant-Id': 'Tenant-1' },
    authorizer: UNAUTHORIZED,
    noAuthorizer: MISSING_HEADER,
  },
  {
    label: 'the tenant in the query string instead of the header',
    path: '/dev/isolated?x-tenant-id=Tenant-1',
    authorizer: UNAUTHORIZED,
    noAuthorizer: MISSING_HEADER,
  },
  // Ids Lambda itself refuses: denied at the edge, else the invoke fails inside AWS.
  onIsolated('a 257-character tenant id', 'x'.repeat(257), ACCESS_DENIED, INTERNAL),
  onIsolated('a 10 KB tenant id', 'x'.repeat(10_240), ACCESS_DENIED, INTERNAL),
  onIsolated('a # (key prefix)', 'TENANT#x', ACCESS_DENIED, INTERNAL),
  onIsolated('JSON', '{"tenant":"x"}', ACCESS_DENIED, INTERNAL),
  onIsolated('SQL-ish quotes', "x' OR '1'='1", ACCESS_DENIED, INTERNAL),
  onIsolated('a non-ASCII letter', 'äcme', ACCESS_DENIED, INTERNAL),
  onIsolated('a comma', 'a,b', ACCESS_DENIED, INTERNAL),
  onIsolated('a tab', 'acme\tcorp', ACCESS_DENIED, INTERNAL),
  // Ids Lambda accepts but our policy refuses: denied at the edge, else the function's 400.
  onIsolated('a space', 'acme corp', ACCESS_DENIED, functionError('InvalidTenantId')),
  onIsolated('a slash', 'acme/evil', ACCESS_DENIED, functionError('InvalidTenantId')),
  onIsolated(
    'a path traversal',
    '../../etc/passwd',
    ACCESS_DENIED,
    functionError('InvalidTenantId'),
  ),
  onIsolated(
    'a 129-character tenant id',
    'x'.repeat(129),
    ACCESS_DENIED,
    functionError('InvalidTenantId'),
  ),
  onIsolated('a leading hyphen', '-acme', ACCESS_DENIED, functionError('InvalidTenantId')),
  // Repeated: the last value is the identity source and the cache key, so it alone decides;
  // without the authorizer it is the X-Amz-Tenant-Id, which Lambda refuses ('!').
  onIsolated(
    'a duplicated header whose last value is refused',
    ['Tenant-1', 'not valid!'],
    ACCESS_DENIED,
    INTERNAL,
  ),
];

describe.each([
  { mode: 'with the tenant id authorizer', args: [], expected: 'authorizer' as const },
  {
    mode: 'with --no-authorizer',
    args: ['--no-authorizer', '--no-tenant-scoped-credentials'],
    expected: 'noAuthorizer' as const,
  },
])('local stack hostile input $mode', ({ args, expected }) => {
  let cli: RunningCli;
  let origin: string;

  beforeAll(async () => {
    cli = await startCli(['--in-memory', ...args]);
    origin = new URL(cli.standardUrl).origin;
  });

  afterAll(async () => {
    await cli.stop('SIGKILL');
  });

  it.each(CASES)('answers $label', async (hostile) => {
    const answer = hostile[expected];
    const response = await rawRequest(`${origin}${hostile.path}`, {
      ...(hostile.method === undefined ? {} : { method: hostile.method }),
      ...(hostile.headers === undefined ? {} : { headers: hostile.headers }),
      ...(hostile.body === undefined ? {} : { body: hostile.body }),
    });

    expect(response.status).toBe(answer.status);
    expect(response.headers['content-type']).toBe('application/json');
    if (answer.body !== undefined) expect(response.body).toBe(answer.body);
    if (answer.error !== undefined) {
      expect(JSON.parse(response.body)).toMatchObject({ error: answer.error });
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
