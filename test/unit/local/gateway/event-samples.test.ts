/**
 * The events the local gateway builds, against events API Gateway sent and AWS documents
 * (test/support/event-samples, sources in its README.md). For each sample, the local event for
 * the same request has the same keys, recursively in requestContext and its identity, with
 * values of the same types, except where listed below with the reason.
 */
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LOCAL_ACCOUNT_ID, LOCAL_API_ID } from '../../../../src/local/constants.js';
import { authorizerEvent } from '../../../../src/local/gateway/authorizer.js';
import { buildProxyEvent } from '../../../../src/local/gateway/proxy-event.js';
import {
  GATEWAY_HEADERS,
  ID_FORMATS,
  readSample,
  requestOf,
  type SampleName,
  type ShapeDiff,
  shapeDiff,
} from '../../../support/event-samples/samples.js';

type AnyEvent = APIGatewayProxyEvent & Partial<APIGatewayRequestAuthorizerEvent>;

const DESCEND = ['requestContext', 'requestContext.identity', 'requestContext.authorizer'];

/** The local event for the request a sample records: a proxy event or a REQUEST authorizer's. */
const localEventFor = (
  sample: AnyEvent,
): APIGatewayProxyEvent | APIGatewayRequestAuthorizerEvent => {
  const stage = sample.requestContext.stage;
  const { request, resource } = requestOf(sample, stage);
  const event = buildProxyEvent(request, {
    stage,
    resource,
    requestId: 'c0ffee00-1111-4222-8333-444455556666',
    nowMs: sample.requestContext.requestTimeEpoch ?? Date.UTC(2024, 5, 17),
    accountId: LOCAL_ACCOUNT_ID,
    apiId: LOCAL_API_ID,
  });
  return sample.type === 'REQUEST' ? authorizerEvent(event, sample.methodArn ?? '') : event;
};

const onlyLocal = (type: string, ...paths: string[]): ShapeDiff =>
  Object.fromEntries(paths.map((path) => [path, [type, 'absent'] as const]));
const onlySample = (type: string, ...paths: string[]): ShapeDiff =>
  Object.fromEntries(paths.map((path) => [path, ['absent', type] as const]));
const identity = (...keys: string[]): string[] =>
  keys.map((key) => `requestContext.identity.${key}`);
const context = (...keys: string[]): string[] => keys.map((key) => `requestContext.${key}`);

/** Identity keys that are null for a caller without IAM or Cognito credentials. */
const NULL_IDENTITY = [
  'accessKey',
  'accountId',
  'caller',
  'cognitoAuthenticationProvider',
  'cognitoAuthenticationType',
  'cognitoIdentityId',
  'cognitoIdentityPoolId',
  'principalOrgId',
  'user',
  'userArn',
];

/** Only with mutual TLS on the API's custom domain. */
const MTLS = onlySample('object', ...identity('clientCert'));

/** The API Gateway developer guide's REQUEST example, and aws-lambda-go's copy, are abridged. */
const ABRIDGED_REQUEST_CONTEXT: ShapeDiff = {
  ...onlyLocal(
    'string',
    ...context('domainName', 'domainPrefix', 'extendedRequestId', 'protocol', 'requestTime'),
    ...identity('userAgent'),
  ),
  ...onlyLocal('number', ...context('requestTimeEpoch')),
  ...onlyLocal('null', ...identity(...NULL_IDENTITY)),
};

/** Samples from before deploymentId appeared in events (the 2024 captures all have it). */
const NO_DEPLOYMENT_ID = onlyLocal('string', ...context('deploymentId'));

const EXCEPTIONS: Record<SampleName, ShapeDiff> = {
  // Captured from deployed APIs (2024): no exception.
  powertoolsNoAuth: {},
  powertoolsLambdaAuthorizer: {},
  powertoolsRequestAuthorizer: {},
  goProxy: {
    // The sample's method is ANY /{proxy+} with a stage variable: the local API has no path
    // parameters and its stage no variables, so both are null (the sample's request has them).
    pathParameters: ['null', 'object'],
    stageVariables: ['null', 'object'],
    ...NO_DEPLOYMENT_ID,
    // A hand-written sample with every identity field filled (an IAM/Cognito caller with an API
    // key): locally, as for any caller of a NONE or CUSTOM method, they are null or absent.
    ...Object.fromEntries(
      identity(...NULL_IDENTITY.filter((key) => key !== 'principalOrgId')).map((path) => [
        path,
        ['null', 'string'] as const,
      ]),
    ),
    ...onlyLocal('null', ...identity('principalOrgId')),
    ...onlySample('string', ...identity('apiKey', 'apiKeyId')),
    ...MTLS,
    // Written before API Gateway added isBase64Encoded to REST events.
    ...onlyLocal('boolean', 'isBase64Encoded'),
    // A method behind a Lambda authorizer, here built without one (see the Powertools sample).
    ...onlySample('object', 'requestContext.authorizer'),
    ...onlySample('string', 'requestContext.authorizer.principalId'),
    ...onlySample('string', 'requestContext.authorizer.clientName'),
    ...onlySample('number', 'requestContext.authorizer.clientId'),
  },
  goRequestAuthorizer: {
    ...ABRIDGED_REQUEST_CONTEXT,
    ...NO_DEPLOYMENT_ID,
    // A method that requires an API key.
    ...onlySample('string', ...identity('apiKey')),
    ...MTLS,
  },
  docsProxy: {
    ...NO_DEPLOYMENT_ID,
    // The example's request context is a Cognito user pool authorizer's (claims, scopes), and
    // its resourceId is null, as for an HTTP API's $default route; a REST resource has an id.
    ...onlySample('object', 'requestContext.authorizer'),
    ...onlySample('null', 'requestContext.authorizer.claims', 'requestContext.authorizer.scopes'),
    'requestContext.resourceId': ['string', 'null'],
    ...MTLS,
  },
  docsRequestAuthorizer: {
    // The guide's example leaves out the multi-value maps (aws-lambda-go's copy of the same
    // example, and the 2024 capture, have them).
    ...onlyLocal('object', 'multiValueHeaders', 'multiValueQueryStringParameters'),
    ...ABRIDGED_REQUEST_CONTEXT,
    ...NO_DEPLOYMENT_ID,
    ...onlySample('string', ...identity('apiKey')),
    ...MTLS,
  },
};

const SAMPLES = Object.keys(EXCEPTIONS) as SampleName[];

describe.each(SAMPLES)('the local event for the request of sample %s', (name) => {
  const sample = readSample<AnyEvent>(name);
  const local = localEventFor(sample) as AnyEvent;
  if (name === 'powertoolsLambdaAuthorizer') {
    // What the gateway adds after an Allow without a context (server.ts; the e2e suite
    // test/e2e/events.test.ts checks the real one).
    (local as APIGatewayProxyEvent).requestContext.authorizer = {
      principalId: 'user',
      integrationLatency: 3,
    };
  }

  it('has the keys and value types of the sample, but for the listed exceptions', () => {
    expect(shapeDiff(local, sample, DESCEND)).toEqual(EXCEPTIONS[name]);
  });

  it('has the headers API Gateway adds wherever the sample has them, in both maps', () => {
    const added = GATEWAY_HEADERS.filter((header) => sample.headers?.[header] !== undefined);
    for (const header of added) {
      expect(typeof local.headers[header]).toBe('string');
      expect(local.multiValueHeaders[header]).toEqual([local.headers[header]]);
    }
  });

  it('has the headers of the sample but those CloudFront adds in front of an edge API', () => {
    // This API is REGIONAL: no CloudFront distribution in front of it.
    const cloudFront = /^(CloudFront-|Via$|X-Amz-Cf-Id$)/i;
    const names = (headers: object | null): string[] =>
      Object.keys(headers ?? {})
        .filter((header) => !cloudFront.test(header))
        .sort();
    expect(names(local.headers)).toEqual(expect.arrayContaining(names(sample.headers)));
    // Locally there are more only where a sample is abridged: the headers API Gateway adds, and
    // the User-Agent the documented example has in its identity but not among its headers.
    const expected = new Set<string>([...GATEWAY_HEADERS, 'User-Agent', ...names(sample.headers)]);
    expect(names(local.headers).filter((header) => !expected.has(header))).toEqual([]);
  });

  it('starts X-Forwarded-For with the client IP, as the sample does', () => {
    const sampleFor = sample.headers?.['X-Forwarded-For'];
    const sourceIp = sample.requestContext.identity.sourceIp;
    if (sampleFor === undefined || !sampleFor.startsWith(sourceIp)) return;
    expect(local.headers['X-Forwarded-For']).toBe(sourceIp);
  });
});

describe('the formats of the ids', () => {
  const real: SampleName[] = [
    'powertoolsNoAuth',
    'powertoolsLambdaAuthorizer',
    'powertoolsRequestAuthorizer',
    'goProxy',
    'goRequestAuthorizer',
  ];

  it.each(real)('match the ids of sample %s', (name) => {
    const { requestContext, headers } = readSample<AnyEvent>(name);
    const ids = requestContext as AnyEvent['requestContext'] & { deploymentId?: string };
    expect(ids.apiId).toMatch(ID_FORMATS.apiId);
    expect(ids.resourceId).toMatch(ID_FORMATS.resourceId);
    if (ids.deploymentId !== undefined) expect(ids.deploymentId).toMatch(ID_FORMATS.deploymentId);
    if (ids.extendedRequestId !== undefined) {
      expect(ids.extendedRequestId).toMatch(ID_FORMATS.extendedRequestId);
    }
    const trace = headers?.['X-Amzn-Trace-Id'];
    if (trace !== undefined && trace !== '...') expect(trace).toMatch(ID_FORMATS.traceId);
  });

  it.each(SAMPLES)('match the ids of the local event for sample %s', (name) => {
    const local = localEventFor(readSample<AnyEvent>(name)) as AnyEvent;
    const ids = local.requestContext as AnyEvent['requestContext'] & { deploymentId: string };
    expect(ids.apiId).toMatch(ID_FORMATS.apiId);
    expect(ids.resourceId).toMatch(ID_FORMATS.resourceId);
    expect(ids.deploymentId).toMatch(ID_FORMATS.deploymentId);
    expect(ids.extendedRequestId).toMatch(ID_FORMATS.extendedRequestId);
    expect(ids.extendedRequestId).not.toBe(ids.requestId);
    expect(local.headers['X-Amzn-Trace-Id']).toMatch(ID_FORMATS.traceId);
  });
});

describe('empty maps: null in the proxy event, {} in the REQUEST authorizer event', () => {
  const proxySample = readSample<AnyEvent>('powertoolsNoAuth');
  const authorizerSample = readSample<AnyEvent>('powertoolsRequestAuthorizer');
  const maps = [
    'queryStringParameters',
    'multiValueQueryStringParameters',
    'pathParameters',
    'stageVariables',
  ] as const;

  it.each(maps)('%s', (key) => {
    expect(proxySample[key]).toBeNull();
    expect(authorizerSample[key]).toEqual({});
    expect(localEventFor(proxySample)[key]).toBeNull();
    expect(localEventFor(authorizerSample)[key]).toEqual({});
  });

  it('keeps the query string maps of a request that has one', () => {
    const local = localEventFor(readSample<AnyEvent>('goRequestAuthorizer'));
    expect(local.queryStringParameters).toEqual({ QueryString1: 'queryValue1' });
    expect(local.multiValueQueryStringParameters).toEqual({ QueryString1: ['queryValue1'] });
  });

  it('has no authorizer key in the REQUEST event, even from a proxy event that has one', () => {
    const { request, resource } = requestOf(authorizerSample, 'prod');
    const event = buildProxyEvent(request, {
      stage: 'prod',
      resource,
      requestId: 'r',
      nowMs: 0,
      accountId: LOCAL_ACCOUNT_ID,
      apiId: LOCAL_API_ID,
    });
    event.requestContext.authorizer = { principalId: 'p' };
    const requestEvent = authorizerEvent(event, authorizerSample.methodArn ?? '');
    expect('authorizer' in requestEvent.requestContext).toBe(false);
    expect('body' in requestEvent).toBe(false);
    expect('isBase64Encoded' in requestEvent).toBe(false);
  });
});
