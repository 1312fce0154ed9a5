/**
 * Hostile and mistaken HTTP requests against the real CLI: each gets the answer API Gateway or
 * the function gives in AWS, and nothing is written — proved by scanning the store afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCounters } from '../../scripts/lib/dynalite.js';
import { type RunningCli, rawRequest, rawSocket, startCli } from '../../scripts/lib/local-cli.js';
import {
  REST_MAX_HEADER_VALUES_BYTES,
  REST_REGIONAL_MAX_URL_CHARACTERS,
} from '../../src/local/aws-limits.js';
import { tableName } from '../../src/local/dynamodb/table.js';
import {
  BAD_REQUEST,
  EXPECTATION_FAILED,
  FORBIDDEN,
  type GatewayAnswer,
  INTERNAL_SERVER_ERROR_BODY,
  MISSING_AUTHENTICATION_TOKEN,
  missingRequestParameters,
  REQUEST_HEADER_FIELDS_TOO_LARGE,
  REQUEST_TOO_LARGE,
  TENANT_ID_ACCESS_DENIED,
  TENANT_ID_UNAUTHORIZED,
  URI_TOO_LONG,
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
  onIsolated('a 10,000-character tenant id', 'x'.repeat(10_000), ACCESS_DENIED, INTERNAL),
  // With Host and Connection, the header values are then over the REST quota of 10,240 bytes.
  onIsolated(
    'a 10,240-character tenant id',
    'x'.repeat(10_240),
    gateway(REQUEST_HEADER_FIELDS_TOO_LARGE),
    gateway(REQUEST_HEADER_FIELDS_TOO_LARGE),
  ),
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
      expect(response.headers['x-environment-id']).toBeUndefined();
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

/** A request head as bytes: the request line, each header line, the blank line. */
const head = (requestLine: string, headers: readonly string[]): string =>
  `${requestLine}\r\n${headers.map((header) => `${header}\r\n`).join('')}\r\n`;

/** GET /dev/isolated for one tenant, as bytes. */
const isolatedGet = (tenant: string, extra: readonly string[] = []): string =>
  head('GET /dev/isolated HTTP/1.1', ['Host: local', `x-tenant-id: ${tenant}`, ...extra]);

/**
 * What an HTTP client would normalise away, sent as raw bytes on one connection each: pipelined
 * requests ahead of bytes Node cannot parse, a FIN after the request, thousands of header lines,
 * the REST quotas at their boundary, request targets and methods API Gateway routes or refuses,
 * and framing Node would answer without a body. Every answer is JSON, every request that ran was
 * answered, and only those that were answered 200 wrote.
 */
describe('local stack hostile bytes (raw sockets)', () => {
  let cli: RunningCli;
  /** The counters the 200 answers below account for. */
  const expected: Record<string, number> = {};
  const counted = (tenant: string, body: string): void => {
    expect(JSON.parse(body)).toMatchObject({ tenant_id: tenant, counter: 1 });
    expected[`TENANT#${tenant}`] = 1;
  };
  const expectAnswer = (
    response: { status: number; headers: Record<string, unknown>; body: string } | undefined,
    answer: GatewayAnswer,
  ): void => {
    expect(response?.status).toBe(answer.statusCode);
    expect(response?.headers['content-type']).toBe('application/json');
    expect(response?.body).toBe(answer.body);
  };

  beforeAll(async () => {
    cli = await startCli(['--in-memory']);
  });

  afterAll(async () => {
    await cli.stop('SIGKILL');
  });

  it('answers a request pipelined ahead of bytes that are not HTTP before refusing them', async () => {
    const { responses, closedByServer } = await rawSocket(
      cli.isolatedUrl,
      `${isolatedGet('raw-pipelined')}GARBAGE\r\n\r\n`,
    );

    expect(responses.map((response) => response.status)).toEqual([200, 400]);
    counted('raw-pipelined', responses[0]?.body ?? '');
    expectAnswer(responses[1], BAD_REQUEST);
    expect(closedByServer).toBe(true);
  });

  it('answers every request pipelined ahead of an unknown method, in order', async () => {
    const { responses } = await rawSocket(
      cli.isolatedUrl,
      `${isolatedGet('raw-order-1')}${isolatedGet('raw-order-2')}${head('FOO /dev/isolated HTTP/1.1', ['Host: local'])}`,
    );

    expect(responses.map((response) => response.status)).toEqual([200, 200, 403]);
    counted('raw-order-1', responses[0]?.body ?? '');
    counted('raw-order-2', responses[1]?.body ?? '');
    expectAnswer(responses[2], MISSING_AUTHENTICATION_TOKEN);
  });

  it('answers a request the client follows with its FIN (printf ... | nc -N)', async () => {
    const { responses, closedByServer } = await rawSocket(cli.isolatedUrl, isolatedGet('raw-fin'), {
      halfClose: true,
    });

    expect(responses.map((response) => response.status)).toEqual([200]);
    counted('raw-fin', responses[0]?.body ?? '');
    expect(responses[0]?.headers.connection).toBe('close');
    expect(closedByServer).toBe(true);
  });

  it('keeps every header line: a tenant after 2,001 other lines still reaches the function', async () => {
    const { responses } = await rawSocket(
      cli.isolatedUrl,
      head('GET /dev/isolated HTTP/1.1', [
        'Host: local',
        ...Array.from({ length: 2001 }, (_, i) => `x-${i}:`),
        'x-tenant-id: raw-many-lines',
        'Connection: close',
      ]),
    );

    expect(responses.map((response) => response.status)).toEqual([200]);
    counted('raw-many-lines', responses[0]?.body ?? '');
  });

  it('lets header values of exactly 10,240 bytes through and refuses one byte more with 431', async () => {
    const fixed = ['local', 'raw-header-quota', 'close'];
    const pad = REST_MAX_HEADER_VALUES_BYTES - fixed.join('').length;
    const request = (padding: number) =>
      head('GET /dev/isolated HTTP/1.1', [
        `Host: ${fixed[0]}`,
        `x-tenant-id: ${fixed[1]}`,
        `x-padding: ${'p'.repeat(padding)}`,
        `Connection: ${fixed[2]}`,
      ]);

    const over = await rawSocket(cli.isolatedUrl, request(pad + 1));
    const atQuota = await rawSocket(cli.isolatedUrl, request(pad));

    expectAnswer(over.responses[0], REQUEST_HEADER_FIELDS_TOO_LARGE);
    expect(atQuota.responses[0]?.status).toBe(200);
    counted('raw-header-quota', atQuota.responses[0]?.body ?? '');
  });

  it('lets a URL of exactly 10,240 characters through and refuses one character more with 414', async () => {
    const prefix = '/dev/isolated?q=';
    const target = (length: number) => `${prefix}${'q'.repeat(length - prefix.length)}`;
    const request = (length: number) =>
      head(`GET ${target(length)} HTTP/1.1`, [
        'Host: local',
        'x-tenant-id: raw-url-quota',
        'Connection: close',
      ]);

    const over = await rawSocket(cli.isolatedUrl, request(REST_REGIONAL_MAX_URL_CHARACTERS + 1));
    const atQuota = await rawSocket(cli.isolatedUrl, request(REST_REGIONAL_MAX_URL_CHARACTERS));

    expectAnswer(over.responses[0], URI_TOO_LONG);
    expect(atQuota.responses[0]?.status).toBe(200);
    counted('raw-url-quota', atQuota.responses[0]?.body ?? '');
  });

  it('answers a head over Node 16 KB bound (a 17,000-character URL) with 431 in JSON', async () => {
    const { responses } = await rawSocket(
      cli.isolatedUrl,
      head(`GET /dev/isolated?q=${'q'.repeat(17_000)} HTTP/1.1`, [
        'Host: local',
        'x-tenant-id: raw-node-bound',
      ]),
    );

    expectAnswer(responses[0], REQUEST_HEADER_FIELDS_TOO_LARGE);
  });

  it.each([
    ['a trailing slash', 'GET /dev/isolated/ HTTP/1.1', 'raw-trailing-slash'],
    ['an absolute-form target', 'GET http://{authority}/dev/isolated HTTP/1.1', 'raw-absolute'],
    [
      'an absolute-form target with a query string',
      'GET http://{authority}/dev/isolated?a=1 HTTP/1.1',
      'raw-absolute-query',
    ],
  ])('routes %s to the method', async (_label, requestLine, tenant) => {
    const authority = new URL(cli.isolatedUrl).host;
    const { responses } = await rawSocket(
      cli.isolatedUrl,
      head(requestLine.replace('{authority}', authority), [
        `Host: ${authority}`,
        `x-tenant-id: ${tenant}`,
        'Connection: close',
      ]),
    );

    expect(responses.map((response) => response.status)).toEqual([200]);
    counted(tenant, responses[0]?.body ?? '');
  });

  it.each([
    'get /dev/isolated HTTP/1.1',
    'Get /dev/isolated HTTP/1.1',
    'FOO /dev/isolated HTTP/1.1',
    'BREW /dev/standard HTTP/1.1',
    'CONNECT 127.0.0.1:443 HTTP/1.1',
  ])('answers %j as an unknown method: 403 Missing Authentication Token', async (requestLine) => {
    const { responses, closedByServer } = await rawSocket(
      cli.isolatedUrl,
      head(requestLine, ['Host: local', 'x-tenant-id: raw-method']),
    );

    expectAnswer(responses[0], MISSING_AUTHENTICATION_TOKEN);
    expect(closedByServer).toBe(true);
  });

  it.each([
    ['no Host header', ['x-tenant-id: raw-framing'], BAD_REQUEST],
    ['two Host headers', ['Host: local', 'Host: other', 'x-tenant-id: raw-framing'], BAD_REQUEST],
    [
      'Expect: teapot',
      ['Host: local', 'x-tenant-id: raw-framing', 'Expect: teapot'],
      EXPECTATION_FAILED,
    ],
  ] as const)('answers %s in JSON', async (_label, headers, answer) => {
    const { responses } = await rawSocket(
      cli.isolatedUrl,
      head('GET /dev/isolated HTTP/1.1', [...headers, 'Connection: close']),
    );

    expectAnswer(responses[0], answer);
  });

  it('answers Expect: 100-continue with 100, then the answer', async () => {
    const { responses } = await rawSocket(
      cli.isolatedUrl,
      isolatedGet('raw-continue', ['Expect: 100-continue', 'Connection: close']),
    );

    expect(responses.map((response) => response.status)).toEqual([100, 200]);
    counted('raw-continue', responses[1]?.body ?? '');
  });

  it('wrote exactly the counters of the requests answered 200', async () => {
    expect(await readCounters(cli.storeEndpoint, tableName('local'))).toEqual(expected);
  });
});
