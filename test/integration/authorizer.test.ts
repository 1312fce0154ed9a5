/**
 * The tenant id authorizer, from the sources and from its bundle: Allow with the tenant in the
 * context for an id the policy accepts, Deny for anything else, decided on the value API Gateway
 * caches the answer under — and only `Unauthorized` (a 400 through main.tf) when there is none.
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../scripts/lib/lambda-fixtures.js';
import { loadHandler, VARIANTS } from '../support/handlers.js';

const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/isolated';

const authorizerEvent = (headers: Record<string, string | string[]>) => ({
  type: 'REQUEST',
  methodArn: METHOD_ARN,
  resource: '/isolated',
  path: '/isolated',
  httpMethod: 'GET',
  headers: Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.at(-1) : v]),
  ),
  multiValueHeaders: Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]),
  ),
});

type Authorizer = (event: unknown, context: unknown) => Promise<APIGatewayAuthorizerResult>;

describe.each(VARIANTS)('tenant id authorizer (%s)', (variant) => {
  let authorize: Authorizer;
  beforeAll(async () => {
    process.env.TENANT_IDENTITY = 'header';
    authorize = (await loadHandler('authorizer', variant, {
      tableName: 'unused',
    })) as unknown as Authorizer;
  });

  it.each(['Tenant-1', 'org:acme', 'a', 'x'.repeat(128)])(
    'allows %j and passes it on in the context',
    async (tenantId) => {
      const result = await authorize(authorizerEvent({ 'x-tenant-id': tenantId }), lambdaContext());
      expect(result).toEqual({
        principalId: tenantId,
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: METHOD_ARN }],
        },
        context: { tenantId },
      });
    },
  );

  it('reads the header in any letter case', async () => {
    const result = await authorize(authorizerEvent({ 'X-Tenant-Id': 'acme' }), lambdaContext());
    expect(result.context).toEqual({ tenantId: 'acme' });
  });

  it.each([
    ['129 characters', { 'x-tenant-id': 'x'.repeat(129) }],
    ['300 characters (Lambda would refuse)', { 'x-tenant-id': 'x'.repeat(300) }],
    ['a slash', { 'x-tenant-id': 'a/b' }],
    ['a space (Lambda accepts, we do not)', { 'x-tenant-id': 'a b' }],
    ['a newline', { 'x-tenant-id': 'a\nb' }],
    ['unicode', { 'x-tenant-id': 'ténant' }],
    ['a hash', { 'x-tenant-id': 'TENANT#x' }],
  ])('denies %s', async (_label, headers) => {
    const result = await authorize(authorizerEvent(headers), lambdaContext());
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: METHOD_ARN },
    ]);
    expect(result.context).toBeUndefined();
  });

  it('decides a repeated header on its last value, the value API Gateway caches it under', async () => {
    const allowed = await authorize(
      authorizerEvent({ 'x-tenant-id': ['not valid!', 'Victim-1'] }),
      lambdaContext(),
    );
    expect(allowed.context).toEqual({ tenantId: 'Victim-1' });

    const denied = await authorize(
      authorizerEvent({ 'x-tenant-id': ['Victim-1', 'not valid!'] }),
      lambdaContext(),
    );
    expect(denied.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
  });

  it.each([
    ['missing', {}],
    ['empty', { 'x-tenant-id': '' }],
  ])(
    'answers Unauthorized when the header is %s (reachable only with caching off)',
    async (_label, headers) => {
      await expect(authorize(authorizerEvent(headers), lambdaContext())).rejects.toThrow(
        /^Unauthorized$/,
      );
    },
  );

  it.each([
    ['null', null],
    ['a string', 'x-tenant-id: a'],
    ['an empty object', {}],
  ])('answers Unauthorized rather than crashing for %s as the event', async (_label, event) => {
    await expect(authorize(event, lambdaContext())).rejects.toThrow(/^Unauthorized$/);
  });
});
