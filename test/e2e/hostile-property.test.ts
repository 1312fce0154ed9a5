/**
 * Property-based hostile input at the HTTP level against the real CLI (with the tenant id
 * authorizer, the default): arbitrary methods, paths, query strings, headers (x-tenant-id in
 * several spellings, repeated, with Latin-1 and tab characters — what Node's HTTP client lets
 * through) and bodies. Properties, for every request:
 *
 * - it is answered, and never with a 5xx: each of these is a client mistake or a valid request;
 * - every error answer is JSON;
 * - nothing is written for a refused request: after each one the store holds exactly the
 *   counters the accepted requests (200s that report a counter) account for.
 *
 * Fixed seed (HOSTILE_SEED to change it, HOSTILE_RUNS for the number of runs); fast-check prints
 * the seed and the shrunk counterexample when a property fails.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCounters } from '../../scripts/lib/dynalite.js';
import { type RunningCli, rawRequest, startCli } from '../../scripts/lib/local-cli.js';
import { tableName } from '../../src/local/dynamodb/table.js';

const SEED = Number(process.env.HOSTILE_SEED ?? 20_260_601);
const RUNS = Number(process.env.HOSTILE_RUNS ?? 300);
const TABLE = tableName('local');

interface HostileRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body: Buffer | undefined;
}

interface Answer {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** Framing and connection headers: Node's client or the test itself controls them. */
const RESERVED = new Set([
  'content-length',
  'transfer-encoding',
  'host',
  'connection',
  'expect',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  'proxy-connection',
  'http2-settings',
]);

const isValidHeaderName = (name: string): boolean => {
  try {
    validateHeaderName(name);
    return !RESERVED.has(name.toLowerCase());
  } catch {
    return false;
  }
};

const isValidHeaderValue = (value: string): boolean => {
  try {
    validateHeaderValue('x', value);
    return true;
  } catch {
    return false;
  }
};

// What Node's client accepts in a header value: tab, printable ASCII and Latin-1 (0x80-0xff).
const headerChar = fc.oneof(
  { weight: 1, arbitrary: fc.constant('\t') },
  { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)) },
);
const headerValue = (maxLength: number) =>
  fc.array(headerChar, { maxLength }).map((chars) => chars.join(''));

const VALID_TENANTS = ['Tenant-1', 'Tenant-2', 'org:acme', 'a', 'x'.repeat(128)];

const tenantValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...VALID_TENANTS) },
  { weight: 3, arbitrary: headerValue(40) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'TENANT#x',
      'SHARED',
      '../SHARED',
      'x'.repeat(129),
      'x'.repeat(257),
      'äcme',
      'a/b',
      'a b',
      '\tTenant-1',
      'Tenant-1\t',
      '-a',
      '{"a":1}',
    ),
  },
);

const tenantHeaders = fc.option(
  fc.record({
    name: fc.constantFrom('x-tenant-id', 'X-Tenant-Id', 'X-TENANT-ID', 'x-amz-tenant-id'),
    value: fc.oneof(
      { weight: 4, arbitrary: tenantValue },
      { weight: 1, arbitrary: fc.array(tenantValue, { minLength: 2, maxLength: 3 }) },
    ),
  }),
  { freq: 4 },
);

const extraHeaders = fc.dictionary(
  fc.oneof(
    // Names that are also Object.prototype members (a header map must not confuse them).
    fc.constantFrom('constructor', '__proto__', 'valueOf', 'toString', 'hasOwnProperty'),
    fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,24}$/).filter(isValidHeaderName),
  ),
  headerValue(60).filter(isValidHeaderValue),
  { maxKeys: 4 },
);

const segment = fc.oneof(
  fc.constantFrom('dev', 'standard', 'isolated', 'STANDARD', '..', '.', '', '%2e%2e', '%00', '%2F'),
  fc.string({ unit: 'grapheme', maxLength: 10 }).map(encodeURIComponent),
  fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@%-]{0,10}$/),
);

const path = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('/dev/isolated', '/dev/standard') },
  { weight: 1, arbitrary: segment.map((s) => `/dev/${s}`) },
  { weight: 1, arbitrary: fc.array(segment, { maxLength: 4 }).map((s) => `/${s.join('/')}`) },
);

const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '?',
    '?x-tenant-id=Tenant-1',
    '?%',
    '?a=%zz',
    '?&&=&',
    '?a=1&a=2',
    '?constructor=1&__proto__=2',
  ),
  fc
    .array(fc.tuple(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ maxLength: 8 })), {
      maxLength: 3,
    })
    .map(
      (pairs) =>
        `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`,
    ),
);

const method = fc.oneof(
  { weight: 6, arbitrary: fc.constant('GET') },
  { weight: 3, arbitrary: fc.constantFrom('OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD') },
  // Mostly methods Node's server does not know: its parser refuses them (400 in JSON here).
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,8}$/).filter((m) => m !== 'CONNECT') },
);

const body = fc.option(
  fc.oneof(
    fc.uint8Array({ maxLength: 2_048 }).map((bytes) => Buffer.from(bytes)),
    fc.string({ unit: 'grapheme', maxLength: 200 }).map((text) => Buffer.from(text)),
  ),
  { freq: 3 },
);

const hostileRequest: fc.Arbitrary<HostileRequest> = fc
  .record({ method, path, query, tenant: tenantHeaders, extra: extraHeaders, body })
  .map(({ method, path, query, tenant, extra, body }) => {
    const headers: Record<string, string | string[]> = { ...extra };
    if (tenant !== null) headers[tenant.name] = tenant.value;
    return { method, path: `${path}${query}`, headers, body: body ?? undefined };
  });

const send = async (origin: URL, hostile: HostileRequest): Promise<Answer> => {
  const response = await rawRequest(origin.href, hostile);
  const contentType = response.headers['content-type'];
  return {
    status: response.status,
    contentType: Array.isArray(contentType) ? contentType.join(', ') : contentType,
    body: response.body,
  };
};

describe('local stack under property-based hostile input', () => {
  let cli: RunningCli;

  beforeAll(async () => {
    // Hundreds of requests back to back: throttling would answer some 429, which is not what
    // this suite probes (test/e2e/limits.test.ts covers it).
    cli = await startCli(['--in-memory', '--throttle-rate', '0']);
  });

  afterAll(async () => {
    await cli.stop('SIGKILL');
  });

  it('never answers a 5xx, always answers errors in JSON and writes nothing it refuses', async () => {
    const origin = new URL(cli.standardUrl);
    const expected: Record<string, number> = {};
    const statuses = new Map<number, number>();
    let cases = 0;

    await fc.assert(
      fc.asyncProperty(hostileRequest, async (hostile) => {
        cases += 1;
        const answer = await send(origin, hostile);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);

        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400 && hostile.method !== 'HEAD') {
          expect(answer.contentType).toBe('application/json');
          expect(() => JSON.parse(answer.body)).not.toThrow();
        }
        let written: { counter?: unknown; tenant_id?: unknown; isolation_enabled?: unknown } = {};
        if (answer.status === 200 && answer.body.startsWith('{"counter"')) {
          written = JSON.parse(answer.body) as typeof written;
          const key =
            written.isolation_enabled === true ? `TENANT#${String(written.tenant_id)}` : 'SHARED';
          expected[key] = (expected[key] ?? 0) + 1;
          expect(written.counter).toBe(expected[key]);
        } else {
          expect(await readCounters(cli.storeEndpoint, TABLE)).toEqual(expected);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );

    const summary = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
    console.info(
      `hostile property: ${cases} cases (seed ${SEED}), statuses ${JSON.stringify(summary)}`,
    );
    expect(cli.stderr.filter((line) => /gateway error|Uncaught|TypeError/.test(line))).toEqual([]);
    const healthy = await send(origin, {
      method: 'GET',
      path: '/dev/isolated',
      headers: { 'x-tenant-id': 'after-hostile' },
      body: undefined,
    });
    expect(healthy.status).toBe(200);
  }, 240_000);
});
