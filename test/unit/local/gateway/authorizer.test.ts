import { describe, expect, it } from 'vitest';
import { allowTenant, denyTenant } from '../../../../src/http/authorizer-result.js';
import { evaluateAuthorizerResult, methodArn } from '../../../../src/local/gateway/authorizer.js';

const ARN = methodArn({
  region: 'us-east-1',
  accountId: '123456789012',
  apiId: 'local000000',
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
    expect(ARN).toBe('arn:aws:execute-api:us-east-1:123456789012:local000000/dev/GET/isolated');
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
    ['a stage wildcard', 'arn:aws:execute-api:us-east-1:123456789012:local000000/*/GET/*'],
    ['a list with the method', ['arn:aws:other', ARN]],
  ])('allows %s', (_label, resource) => {
    expect(evaluateAuthorizerResult(policy('Allow', resource), ARN).kind).toBe('allow');
  });

  it.each([
    ['another method', ARN.replace('/GET/', '/POST/')],
    ['another API', ARN.replace('local000000', 'other')],
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
  ])('reports %s as an authorizer error', (_label, result) => {
    expect(evaluateAuthorizerResult(result, ARN).kind).toBe('error');
  });
});
