/**
 * The events and the Lambda context as the functions of the local stack receive them, through
 * the gateway, the Lambda service and the worker thread, against events API Gateway sent
 * (test/support/event-samples) and the context the Node.js runtime interface client builds
 * (aws/aws-lambda-nodejs-runtime-interface-client, src/InvokeContext.js). The fixture functions
 * (test/e2e/fixtures/functions) report what they got.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCli, rawRequest, startCli } from '../../scripts/lib/local-cli.js';
import { LOCAL_API_ID, LOCAL_DEPLOYMENT_ID } from '../../src/local/constants.js';
import {
  GATEWAY_HEADERS,
  ID_FORMATS,
  readSample,
  type ShapeDiff,
  shapeDiff,
} from '../support/event-samples/samples.js';
import { FIXTURE_FUNCTIONS } from '../support/fixture-functions.js';

interface Keys {
  event: string[];
  requestContext: string[];
  identity: string[];
}

interface Echo {
  contextKeys: string[];
  contextUndefinedKeys: string[];
  tenantId: string | null;
  eventKeys: Keys;
  fullEvent: {
    headers: Record<string, string>;
    multiValueHeaders: Record<string, string[]>;
    requestContext: Record<string, unknown> & { authorizer?: Record<string, unknown> };
  };
}

/** The context keys of the runtime interface client (src/CallbackContext.js, InvokeContext.js). */
const RIC_CONTEXT_KEYS = [
  'awsRequestId',
  'callbackWaitsForEmptyEventLoop',
  'clientContext',
  'done',
  'fail',
  'functionName',
  'functionVersion',
  'getRemainingTimeInMillis',
  'identity',
  'invokedFunctionArn',
  'logGroupName',
  'logStreamName',
  'memoryLimitInMB',
  'succeed',
  'tenantId',
];

/** The keys a JSON copy of the event shows: equal to the live keys when none is undefined. */
const jsonKeys = (event: Echo['fullEvent']): Keys => ({
  event: Object.keys(event),
  requestContext: Object.keys(event.requestContext),
  identity: Object.keys((event.requestContext.identity as object | undefined) ?? {}),
});

const DESCEND = ['requestContext', 'requestContext.identity', 'requestContext.authorizer'];

describe('local stack events and context, as the functions receive them', () => {
  let cli: RunningCli;

  beforeAll(async () => {
    cli = await startCli(['--in-memory'], { functionsDir: FIXTURE_FUNCTIONS });
  });

  afterAll(async () => {
    await cli?.stop('SIGKILL');
  });

  const echo = async (url: string, headers: Record<string, string>): Promise<Echo> => {
    const response = await rawRequest(url, {
      headers: { 'User-Agent': 'HTTPie/3.2.2', ...headers },
    });
    expect(response.status).toBe(200);
    return JSON.parse(response.body) as Echo;
  };

  describe('a method without an authorizer (/standard in header mode)', () => {
    let answer: Echo;
    beforeAll(async () => {
      answer = await echo(cli.standardUrl, {});
    });

    it('gets an event shaped like the one API Gateway sent (Powertools no-auth sample)', () => {
      expect(shapeDiff(answer.fullEvent, readSample('powertoolsNoAuth'), DESCEND)).toEqual({});
    });

    it('has no authorizer key at all in requestContext, and no undefined-valued key', () => {
      expect(answer.eventKeys.requestContext).not.toContain('authorizer');
      expect(answer.eventKeys).toEqual(jsonKeys(answer.fullEvent));
    });

    it('has the headers API Gateway adds, in both maps', () => {
      const { headers, multiValueHeaders } = answer.fullEvent;
      expect(headers['X-Forwarded-For']).toBe('127.0.0.1');
      expect(headers['X-Forwarded-Port']).toBe(new URL(cli.standardUrl).port);
      expect(headers['X-Forwarded-Proto']).toBe('http');
      expect(headers['X-Amzn-Trace-Id']).toMatch(ID_FORMATS.traceId);
      for (const name of GATEWAY_HEADERS) expect(multiValueHeaders[name]).toEqual([headers[name]]);
    });

    it("has API Gateway's ids in their formats", () => {
      const { requestContext } = answer.fullEvent;
      expect(requestContext.apiId).toBe(LOCAL_API_ID);
      expect(requestContext.apiId).toMatch(ID_FORMATS.apiId);
      expect(requestContext.resourceId).toMatch(ID_FORMATS.resourceId);
      expect(requestContext.deploymentId).toBe(LOCAL_DEPLOYMENT_ID);
      expect(requestContext.extendedRequestId).toMatch(ID_FORMATS.extendedRequestId);
      expect(requestContext.extendedRequestId).not.toBe(requestContext.requestId);
    });

    it('gets a context with the keys of the runtime interface client, tenantId undefined', () => {
      expect([...answer.contextKeys].sort()).toEqual(RIC_CONTEXT_KEYS);
      expect([...answer.contextUndefinedKeys].sort()).toEqual([
        'clientContext',
        'identity',
        'tenantId',
      ]);
      expect(answer.tenantId).toBeNull();
    });
  });

  describe('a method behind the REQUEST authorizer (/isolated in header mode)', () => {
    let answer: Echo;
    let authorizer: Record<string, unknown>;
    beforeAll(async () => {
      // A tenant of its own: the authorizer runs (no cached answer) and echoes its event.
      answer = await echo(cli.isolatedUrl, {
        'x-tenant-id': `events-${Date.now()}`,
        'x-echo-authorizer-event': 'yes',
      });
      authorizer = answer.fullEvent.requestContext.authorizer ?? {};
    });

    it('sends the authorizer an event shaped like the one API Gateway sent (Powertools)', () => {
      const event = JSON.parse(String(authorizer.authorizerEvent)) as Record<string, unknown>;
      const keys = JSON.parse(String(authorizer.authorizerEventKeys)) as Keys;

      expect(shapeDiff(event, readSample('powertoolsRequestAuthorizer'), DESCEND)).toEqual({});
      expect(keys.requestContext).not.toContain('authorizer');
      expect(keys).toEqual(jsonKeys(event as Echo['fullEvent']));
      for (const key of [
        'queryStringParameters',
        'multiValueQueryStringParameters',
        'pathParameters',
        'stageVariables',
      ]) {
        expect(event[key]).toEqual({});
      }
    });

    it('gives the function the proxy event with the authorizer it allowed with', () => {
      // The sample's authorizer returned no context; this one returns its own keys (strings).
      const contextKeys = Object.keys(authorizer).filter(
        (key) => key !== 'principalId' && key !== 'integrationLatency',
      );
      const expected: ShapeDiff = Object.fromEntries(
        contextKeys.map((key) => [`requestContext.authorizer.${key}`, ['string', 'absent']]),
      );

      expect(contextKeys).toEqual(expect.arrayContaining(['tenantId', 'methodArn']));
      expect(
        shapeDiff(answer.fullEvent, readSample('powertoolsLambdaAuthorizer'), DESCEND),
      ).toEqual(expected);
      expect(authorizer.methodArn).toBe(
        `arn:aws:execute-api:us-east-1:123456789012:${LOCAL_API_ID}/dev/GET/isolated`,
      );
    });

    it('gets a context with the keys of the runtime interface client and its tenant id', () => {
      expect([...answer.contextKeys].sort()).toEqual(RIC_CONTEXT_KEYS);
      expect([...answer.contextUndefinedKeys].sort()).toEqual(['clientContext', 'identity']);
      expect(answer.tenantId).toBe(authorizer.tenantId);
    });
  });
});
