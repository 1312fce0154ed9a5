import { describe, expect, it } from 'vitest';
import { allowTenant, denyTenant } from '../../../../src/http/authorizer-result.js';
import { LOCAL_API_ID } from '../../../../src/local/constants.js';
import {
  authorizerEvent,
  evaluateAuthorizerResult,
  methodArn,
} from '../../../../src/local/gateway/authorizer.js';
import { buildProxyEvent } from '../../../../src/local/gateway/proxy-event.js';

const ARN = methodArn({
  region: 'us-east-1',
  accountId: '123456789012',
  apiId: LOCAL_API_ID,
  stage: 'dev',
  method: 'GET',
  resource: '/isolated',
});

const policy = (effect: string, resource: unknown, action: unknown = 'execute-api:Invoke') => ({
  principalId: 'p',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Effect: effect, Action: action, Resource: resource }],
  },
});

describe('methodArn', () => {
  it('names the method as API Gateway does', () => {
    expect(ARN).toBe('arn:aws:execute-api:us-east-1:123456789012:local00000/dev/GET/isolated');
  });
});

describe('evaluateAuthorizerResult', () => {
  it('allows with the context of the real authorizer answer', () => {
    expect(evaluateAuthorizerResult(allowTenant('acme', ARN), ARN)).toEqual({
      kind: 'allow',
      principalId: 'acme',
      context: { tenantId: 'acme' },
    });
  });

  it('denies on the real authorizer refusal', () => {
    expect(evaluateAuthorizerResult(denyTenant(ARN), ARN)).toEqual({ kind: 'deny' });
  });

  it.each([
    ['a wildcard resource', '*'],
    ['a stage wildcard', 'arn:aws:execute-api:us-east-1:123456789012:local00000/*/GET/*'],
    ['a list with the method', ['arn:aws:other', ARN]],
  ])('allows %s', (_label, resource) => {
    expect(evaluateAuthorizerResult(policy('Allow', resource), ARN).kind).toBe('allow');
  });

  it.each([
    ['another method', ARN.replace('/GET/', '/POST/')],
    ['another API', ARN.replace(LOCAL_API_ID, 'other0api0')],
  ])('denies an Allow on %s only', (_label, resource) => {
    expect(evaluateAuthorizerResult(policy('Allow', resource), ARN)).toEqual({ kind: 'deny' });
  });

  it('lets an explicit Deny win over an Allow', () => {
    const result = {
      principalId: 'p',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'execute-api:*', Resource: '*' },
          { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: ARN },
        ],
      },
    };
    expect(evaluateAuthorizerResult(result, ARN)).toEqual({ kind: 'deny' });
  });

  it.each([
    ['null', null],
    ['a string', 'Allow'],
    ['no principalId', { policyDocument: policy('Allow', '*').policyDocument }],
    ['no policyDocument', { principalId: 'p' }],
    ['an unknown Effect', policy('Maybe', '*')],
    ['no Resource', policy('Allow', undefined)],
    ['a nested context', { ...policy('Allow', '*'), context: { tenant: { id: 'a' } } }],
    // Only strings, numbers and booleans: anything else is AUTHORIZER_CONFIGURATION_ERROR (500).
    ['a context value that is a list', { ...policy('Allow', '*'), context: { ids: ['a'] } }],
    ['a context value that is null', { ...policy('Allow', '*'), context: { id: null } }],
  ])('reports %s as an authorizer error', (_label, result) => {
    expect(evaluateAuthorizerResult(result, ARN).kind).toBe('error');
  });
});

describe('authorizerEvent', () => {
  const proxy = buildProxyEvent(
    {
      method: 'GET',
      path: '/dev/isolated',
      query: '',
      rawHeaders: ['Host', '127.0.0.1:3000', 'x-tenant-id', 'acme'],
      body: Buffer.from('ignored'),
      sourceIp: '127.0.0.1',
    },
    {
      stage: 'dev',
      resource: '/isolated',
      requestId: 'req-1',
      nowMs: 0,
      accountId: '123456789012',
      apiId: LOCAL_API_ID,
    },
  );
  const event = authorizerEvent(proxy, ARN);

  it('is a REQUEST event for the method, with the request context of the proxy event', () => {
    expect(event.type).toBe('REQUEST');
    expect(event.methodArn).toBe(ARN);
    expect(event.requestContext).toEqual(proxy.requestContext);
    expect(event.headers).toEqual(proxy.headers);
    expect(event.multiValueHeaders).toEqual(proxy.multiValueHeaders);
  });

  it('has {} where the proxy event has null, as API Gateway sends it', () => {
    expect(proxy.queryStringParameters).toBeNull();
    expect(event.queryStringParameters).toEqual({});
    expect(event.multiValueQueryStringParameters).toEqual({});
    expect(event.pathParameters).toEqual({});
    expect(event.stageVariables).toEqual({});
  });

  it('has neither an authorizer key nor a body', () => {
    expect('authorizer' in event.requestContext).toBe(false);
    expect(Object.keys(event)).not.toContain('body');
  });
});
