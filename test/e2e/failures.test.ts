/**
 * What the local stack does when a function misbehaves — times out, throws, crashes, returns
 * garbage — and what an environment looks like from inside (context, variables), using the
 * plain .mjs fixture functions in test/e2e/fixtures/functions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  type RunningCli,
  rawRequest,
  requestLines,
  servedBy,
  startCli,
} from '../../scripts/lib/local-cli.js';
import {
  INTEGRATION_TIMEOUT,
  INTERNAL_SERVER_ERROR_BODY,
} from '../../src/local/gateway/answers.js';
import { FIXTURE_FUNCTIONS } from '../support/fixture-functions.js';

const INTERNAL = INTERNAL_SERVER_ERROR_BODY;

interface Answer {
  status: number;
  environmentId: string | undefined;
  requestId: string | undefined;
  body: string;
  json: Record<string, unknown>;
}

/** The stacks of this file, whose request logs name the environments. */
const running: RunningCli[] = [];

const call = async (
  url: string,
  tenant: string | undefined,
  query = '',
  headers: Record<string, string> = {},
): Promise<Answer> => {
  const response = await rawRequest(`${url}${query}`, {
    headers: { ...headers, ...(tenant === undefined ? {} : { 'x-tenant-id': tenant }) },
  });
  // The gateway's name for the environment: a failed function sends no x-environment-id.
  const environmentId = await servedBy(running, response);
  const requestId = response.headers['x-amzn-requestid'];
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    // Not every answer is JSON the tests need to read.
  }
  return {
    status: response.status,
    environmentId,
    requestId: typeof requestId === 'string' ? requestId : undefined,
    body: response.body,
    json,
  };
};

describe('local stack function failures', () => {
  let cli: RunningCli;
  let slowGateway: RunningCli;
  let narrow: RunningCli;

  beforeAll(async () => {
    const fixtures = { functionsDir: FIXTURE_FUNCTIONS };
    [cli, slowGateway, narrow] = await Promise.all([
      startCli(['--in-memory', '--timeout', '1'], fixtures),
      startCli(['--in-memory', '--timeout', '5', '--integration-timeout', '0.5'], fixtures),
      startCli(['--in-memory', '--concurrency', '2'], fixtures),
    ]);
    running.push(cli, slowGateway, narrow);
  });

  afterAll(async () => {
    await Promise.all([cli, slowGateway, narrow].map((running) => running?.stop('SIGKILL')));
  });

  it('answers 502 when the function times out and replaces the environment', async () => {
    const before = await call(cli.isolatedUrl, 'slow');

    const timedOut = await call(cli.isolatedUrl, 'slow', '?action=sleep&ms=30000');
    const after = await call(cli.isolatedUrl, 'slow');

    expect(timedOut.status).toBe(502);
    expect(timedOut.body).toBe(INTERNAL);
    expect(timedOut.environmentId).toBe(before.environmentId);
    expect(after.status).toBe(200);
    expect(after.environmentId).not.toBe(before.environmentId);
    expect(after.json.invocations).toBe(1);
  });

  it('answers 504 when the integration timeout passes before the function answers', async () => {
    const answer = await call(slowGateway.isolatedUrl, 'patient', '?action=sleep&ms=3000');

    expect(answer.status).toBe(504);
    expect(answer.body).toBe(INTEGRATION_TIMEOUT.body);
  });

  it('answers 502 when the handler throws and keeps the environment, as the runtime does', async () => {
    const before = await call(cli.isolatedUrl, 'thrower');

    const failed = await call(cli.isolatedUrl, 'thrower', '?action=throw');
    const after = await call(cli.isolatedUrl, 'thrower');

    expect(failed.status).toBe(502);
    expect(failed.body).toBe(INTERNAL);
    expect(after.environmentId).toBe(before.environmentId);
    expect(after.json.invocations).toBe(3);
  });

  it.each([
    ['calls process.exit', 'exit'],
    ['throws outside the handler (uncaught)', 'uncaught'],
  ])(
    'answers 502 when the function %s and starts a fresh environment next time',
    async (_label, action) => {
      const tenant = `crash-${action}`;
      const before = await call(cli.isolatedUrl, tenant);

      const crashed = await call(cli.isolatedUrl, tenant, `?action=${action}`);
      const after = await call(cli.isolatedUrl, tenant);

      expect(crashed.status).toBe(502);
      expect(crashed.body).toBe(INTERNAL);
      expect(after.status).toBe(200);
      expect(after.environmentId).not.toBe(before.environmentId);
      expect(after.json.instance).not.toBe(before.json.instance);
    },
  );

  it('answers 502 for a result that is not a proxy response', async () => {
    const answer = await call(cli.standardUrl, undefined, '?action=malformed');

    expect(answer.status).toBe(502);
    expect(answer.body).toBe(INTERNAL);
  });

  it('throttles beyond the function concurrency with the rejected-invoke answer', async () => {
    const sleepers = [1, 2].map(() => call(narrow.isolatedUrl, 'busy', '?action=sleep&ms=4000'));
    let throttled: Answer | undefined;
    // Probe until the two sleepers hold both slots; a probe that got in is simply answered.
    for (let attempt = 0; attempt < 200 && throttled === undefined; attempt += 1) {
      const probe = await call(narrow.isolatedUrl, 'prober');
      if (probe.status === 500) throttled = probe;
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await Promise.all(sleepers);

    expect(throttled?.body).toBe(INTERNAL);
  });

  it('gives the isolated function a Lambda context with the tenant id and Terraform variables', async () => {
    const answer = await call(cli.isolatedUrl, 'ctx-tenant', '?x=1');

    expect(answer.json).toMatchObject({
      tenantId: 'ctx-tenant',
      functionName: 'local-isolated',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:local-isolated',
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/local-isolated',
      callbackWaitsForEmptyEventLoop: true,
      env: {
        TABLE_NAME: 'local-tenant-counters',
        AWS_REGION: 'us-east-1',
        AWS_LAMBDA_FUNCTION_NAME: 'local-isolated',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/local-isolated',
        AWS_ENDPOINT_URL_DYNAMODB: cli.storeEndpoint,
      },
      event: {
        resource: '/isolated',
        path: '/isolated',
        httpMethod: 'GET',
        queryStringParameters: { x: '1' },
        body: null,
        isBase64Encoded: false,
        requestContext: {
          stage: 'dev',
          path: '/dev/isolated',
          resourcePath: '/isolated',
          httpMethod: 'GET',
          protocol: 'HTTP/1.1',
          requestId: answer.requestId,
          identity: { sourceIp: '127.0.0.1' },
        },
      },
    });
    const remaining = Number(answer.json.remainingMs);
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(1_000);
  });

  it('gives the standard function no tenant id, even when the client sends X-Amz-Tenant-Id', async () => {
    const answer = await call(cli.standardUrl, 'Tenant-1', '', { 'X-Amz-Tenant-Id': 'Tenant-2' });

    expect(answer.json).toMatchObject({
      tenantId: null,
      // The key is there, undefined, as the runtime interface client sets it on every context.
      hasTenantIdField: true,
      contextUndefinedKeys: expect.arrayContaining(['tenantId']),
      functionName: 'local-standard',
    });
  });

  it("keeps each environment's variables its own", async () => {
    await call(cli.isolatedUrl, 'env-a', '?action=setenv');

    const other = await call(cli.isolatedUrl, 'env-b');
    const same = await call(cli.isolatedUrl, 'env-a');

    expect(other.json.fixtureMark).toBeNull();
    expect(same.json.fixtureMark).toBe('env-a');
  });

  it('forwards function output prefixed with the environment id', async () => {
    const answer = await call(cli.isolatedUrl, 'logger', '?action=log');

    const expected = `[${answer.environmentId}] fixture log line from logger`;
    await eventually(() => (cli.stdout.includes(expected) ? true : undefined), 'the function log');
    const line = await eventually(
      () => requestLines(cli.stdout).find((entry) => entry.tenant === 'logger'),
      'the request log line',
    );
    expect(line).toMatchObject({
      status: 200,
      environmentId: answer.environmentId,
      temperature: 'cold',
    });
  });
});
