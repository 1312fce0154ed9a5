/**
 * The tenant id authorizer on the local stack (main.tf, tenant_id_authorizer = true): the real
 * authorizer bundle decides, the gateway answers refusals exactly as main.tf's gateway responses
 * say, caches answers per x-tenant-id value, and maps the allowed tenant to the function's
 * context. A fixture authorizer (test/e2e/fixtures/functions/authorizer) shows the failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCounters } from '../../scripts/lib/dynalite.js';
import {
  type RawResponse,
  type RunningCli,
  rawRequest,
  startCli,
} from '../../scripts/lib/local-cli.js';
import { tableName } from '../../src/local/dynamodb/table.js';
import {
  AUTHORIZER_CONFIGURATION_ERROR,
  INTERNAL_SERVER_ERROR_BODY,
} from '../../src/local/gateway/answers.js';
import { FIXTURE_FUNCTIONS } from '../support/fixture-functions.js';
import {
  type ConfiguredResponse,
  identityGatewayResponses,
} from '../support/terraform-responses.js';

const INTERNAL = INTERNAL_SERVER_ERROR_BODY;
const AUTHORIZER_ERROR = AUTHORIZER_CONFIGURATION_ERROR.body;

const json = (response: RawResponse): Record<string, unknown> =>
  JSON.parse(response.body) as Record<string, unknown>;

const expectConfigured = (response: RawResponse, configured: ConfiguredResponse | undefined) => {
  expect(configured).toBeDefined();
  expect(response.status).toBe(configured?.status);
  expect(response.body).toBe(configured?.body);
  for (const [name, value] of Object.entries(configured?.headers ?? {})) {
    expect(response.headers[name.toLowerCase()]).toBe(value);
  }
  expect(response.headers['content-type']).toBe('application/json');
  // Refused at the gateway: no function environment served it.
  expect(response.headers['x-environment-id']).toBeUndefined();
};

describe('local stack tenant id authorizer (real bundle)', () => {
  let cli: RunningCli;
  let responses: Record<string, ConfiguredResponse>;

  beforeAll(async () => {
    [cli, responses] = await Promise.all([
      startCli(['--in-memory']),
      identityGatewayResponses('header'),
    ]);
  });

  afterAll(async () => {
    await cli.stop('SIGKILL');
  });

  it('names the authorizer among the functions it runs', () => {
    expect(cli.stdout.join('\n')).toMatch(
      /functions: local-standard, local-isolated, local-authorizer/,
    );
    expect(cli.stdout.join('\n')).toContain('answers cached 60 s per x-tenant-id');
  });

  it.each([
    ['no x-tenant-id', {}],
    ['an empty x-tenant-id', { 'x-tenant-id': '' }],
  ])(
    'answers %s with main.tf UNAUTHORIZED response, before the authorizer runs',
    async (_l, headers) => {
      expectConfigured(await rawRequest(cli.isolatedUrl, { headers }), responses.UNAUTHORIZED);
    },
  );

  it.each([
    ['a space', 'acme corp'],
    ['a slash', 'acme/evil'],
    ['a # (Lambda would refuse it)', 'TENANT#x'],
    ['257 characters (Lambda would refuse it)', 'x'.repeat(257)],
    ['129 characters', 'x'.repeat(129)],
    ['a non-ASCII letter', 'äcme'],
    ['a leading hyphen', '-acme'],
  ])('answers a tenant id with %s with main.tf ACCESS_DENIED response', async (_l, tenant) => {
    const response = await rawRequest(cli.isolatedUrl, { headers: { 'x-tenant-id': tenant } });

    expectConfigured(response, responses.ACCESS_DENIED);
  });

  it('decides a repeated x-tenant-id on its last value, the cache key', async () => {
    const response = await rawRequest(cli.isolatedUrl, {
      headers: { 'x-tenant-id': ['not valid!', 'dup-second'] },
    });

    expect(response.status).toBe(200);
    expect(json(response)).toMatchObject({ tenant_id: 'dup-second' });
  });

  it('cannot be made to cache a refusal for another tenant', async () => {
    const poison = await rawRequest(cli.isolatedUrl, {
      headers: { 'x-tenant-id': ['not valid!', 'Victim-1'] },
    });
    const victim = await rawRequest(cli.isolatedUrl, { headers: { 'x-tenant-id': 'Victim-1' } });

    expect(poison.status).toBe(200);
    expect(victim.status).toBe(200);
    expect(json(victim)).toMatchObject({ tenant_id: 'Victim-1' });
  });

  it('lets an allowed tenant through with the id from the authorizer', async () => {
    const response = await rawRequest(cli.isolatedUrl, { headers: { 'x-tenant-id': 'Auth-1' } });

    expect(response.status).toBe(200);
    expect(json(response)).toMatchObject({
      counter: 1,
      tenant_id: 'Auth-1',
      isolation_enabled: true,
    });
  });

  it('wrote only the allowed tenants', async () => {
    expect(await readCounters(cli.storeEndpoint, tableName('local'))).toEqual({
      'TENANT#Auth-1': 1,
      'TENANT#dup-second': 1,
      'TENANT#Victim-1': 2,
    });
  });

  it('never puts an authorizer on /standard', async () => {
    const response = await rawRequest(cli.standardUrl, { headers: { 'x-tenant-id': 'acme corp' } });

    expect(response.status).toBe(400);
    expect(json(response)).toMatchObject({ error: 'InvalidTenantId' });
    expect(response.headers['x-environment-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('local stack tenant id authorizer (fixture bundle)', () => {
  let cli: RunningCli;
  let uncached: RunningCli;
  let responses: Record<string, ConfiguredResponse>;

  beforeAll(async () => {
    const fixtures = { functionsDir: FIXTURE_FUNCTIONS };
    [cli, uncached, responses] = await Promise.all([
      startCli(['--in-memory', '--timeout', '1'], fixtures),
      startCli(['--in-memory', '--authorizer-cache-ttl', '0'], fixtures),
      identityGatewayResponses('header'),
    ]);
  });

  afterAll(async () => {
    await Promise.all([cli, uncached].map((running) => running?.stop('SIGKILL')));
  });

  const echo = async (running: RunningCli, tenant: string) => {
    const response = await rawRequest(running.isolatedUrl, { headers: { 'x-tenant-id': tenant } });
    expect(response.status).toBe(200);
    const body = json(response) as {
      tenantId: string;
      instance: string;
      event: { requestContext: { authorizer: Record<string, unknown> } };
    };
    return { body, authorizer: body.event.requestContext.authorizer };
  };

  it('sends the authorizer a REQUEST event for the method and passes its context on', async () => {
    const { body, authorizer } = await echo(cli, 'ctx-a');

    expect(body.tenantId).toBe('ctx-a');
    expect(authorizer).toMatchObject({
      principalId: 'ctx-a',
      tenantId: 'ctx-a',
      eventType: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:123456789012:local00000/dev/GET/isolated',
    });
    expect(typeof authorizer.integrationLatency).toBe('number');
    // Its own environment: not the function's.
    expect(authorizer.authorizerInstance).not.toBe(body.instance);
  });

  it('caches the answer per x-tenant-id value for the TTL', async () => {
    const first = await echo(cli, 'cache-a');
    const again = await echo(cli, 'cache-a');
    const other = await echo(cli, 'cache-b');

    expect(again.authorizer.authorizerInvocations).toBe(first.authorizer.authorizerInvocations);
    expect(other.authorizer.authorizerInvocations).not.toBe(first.authorizer.authorizerInvocations);
  });

  it('invokes the authorizer on every request when the TTL is 0', async () => {
    const first = await echo(uncached, 'nocache');
    const again = await echo(uncached, 'nocache');

    expect(again.authorizer.authorizerInvocations).not.toBe(first.authorizer.authorizerInvocations);
  });

  it('runs the authorizer without an x-tenant-id when the TTL is 0, which answers Unauthorized', async () => {
    expectConfigured(await rawRequest(uncached.isolatedUrl), responses.UNAUTHORIZED);
  });

  it.each([
    ['throws', 'authz-throw'],
    ['calls process.exit', 'authz-exit'],
    ['times out', 'authz-sleep'],
    ['returns something that is not a policy', 'authz-malformed'],
  ])('answers 500 AuthorizerConfigurationException when the authorizer %s', async (_l, tenant) => {
    const response = await rawRequest(cli.isolatedUrl, { headers: { 'x-tenant-id': tenant } });

    expect(response.status).toBe(500);
    expect(response.body).toBe(AUTHORIZER_ERROR);
    expect(response.headers['x-amzn-errortype']).toBe('AuthorizerConfigurationException');
    expect(response.headers['access-control-allow-origin']).toBe('*');
    // And the next tenant is served, by a fresh authorizer environment if it had to be.
    expect((await echo(cli, `after-${tenant}`)).body.tenantId).toBe(`after-${tenant}`);
  });

  it('answers an "Unauthorized" error from the authorizer with main.tf UNAUTHORIZED response', async () => {
    const response = await rawRequest(cli.isolatedUrl, {
      headers: { 'x-tenant-id': 'authz-unauthorized' },
    });

    expectConfigured(response, responses.UNAUTHORIZED);
  });

  it('answers 500 when an Allow carries no tenant id to map (Lambda refuses the invoke)', async () => {
    const response = await rawRequest(cli.isolatedUrl, {
      headers: { 'x-tenant-id': 'authz-no-context' },
    });

    expect(response.status).toBe(500);
    expect(response.body).toBe(INTERNAL);
  });
});
