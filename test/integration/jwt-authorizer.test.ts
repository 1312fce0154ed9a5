/**
 * The authorizer in jwt mode, from the sources and from its bundle, against the local issuer's
 * JWKS served over real HTTP (the same jose remote-JWKS fetch it makes to Cognito): a genuine
 * token allows its tenant, every forgery is refused as API Gateway needs it — `Unauthorized`
 * (401) or a Deny (403) — and x-tenant-id never counts. With the broker on, only the answer for
 * /isolated carries the tenant's credentials, from one AssumeRole per tenant session.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../scripts/lib/lambda-fixtures.js';
import { type JwksServer, startJwksServer } from '../../src/local/cognito/jwks-server.js';
import {
  LOCAL_CLIENT_ID,
  LOCAL_ISSUER,
  LOCAL_TENANT_CLAIM,
  loadLocalIssuer,
} from '../../src/local/cognito/local-issuer.js';
import { type AssumeRoleStandIn, startAssumeRoleStandIn } from '../../src/local/sts/assume-role.js';
import { type ForgedCase, localIssuerTokens } from '../support/forged-tokens.js';
import { loadHandler, VARIANTS } from '../support/handlers.js';

const ARN = (path: string) => `arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET${path}`;
const ROLE_ARN = 'arn:aws:iam::123456789012:role/demo-tenant-data';

const authorizerEvent = (
  authorization: string | string[] | undefined,
  path = '/isolated',
  extra: Record<string, string> = {},
) => {
  const values = authorization === undefined ? [] : [authorization].flat();
  const headers: Record<string, string> = { ...extra };
  const multi: Record<string, string[]> = Object.fromEntries(
    Object.entries(extra).map(([name, value]) => [name, [value]]),
  );
  if (values.length > 0) {
    headers.Authorization = values.at(-1) ?? '';
    multi.Authorization = values;
  }
  return {
    type: 'REQUEST',
    methodArn: ARN(path),
    resource: path,
    path,
    httpMethod: 'GET',
    headers,
    multiValueHeaders: multi,
  };
};

type Authorizer = (event: unknown, context: unknown) => Promise<APIGatewayAuthorizerResult>;

/** What API Gateway makes of an answer: 401 for Unauthorized, 403 for a Deny, else allowed. */
const outcome = async (
  authorize: Authorizer,
  event: unknown,
): Promise<number | APIGatewayAuthorizerResult> => {
  try {
    const result = await authorize(event, lambdaContext());
    return result.policyDocument.Statement.some((statement) => statement.Effect === 'Deny')
      ? 403
      : result;
  } catch (error) {
    if (error instanceof Error && error.message === 'Unauthorized') return 401;
    throw error;
  }
};

let dataDir: string;
let jwks: JwksServer;
let sts: AssumeRoleStandIn;
let factory: ReturnType<typeof localIssuerTokens>;
let forged: ForgedCase[];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jwt-authorizer-'));
  const issuer = await loadLocalIssuer(dataDir);
  jwks = await startJwksServer(issuer);
  sts = await startAssumeRoleStandIn();
  factory = localIssuerTokens(dataDir);
  forged = await factory.forgeries('Victim-1');
  Object.assign(process.env, {
    TENANT_IDENTITY: 'jwt',
    JWT_ISSUER: LOCAL_ISSUER,
    JWT_AUDIENCE: LOCAL_CLIENT_ID,
    JWT_JWKS_URL: jwks.url,
    JWT_TENANT_CLAIM: LOCAL_TENANT_CLAIM,
    AWS_ENDPOINT_URL_STS: sts.endpoint,
  });
});

afterAll(async () => {
  for (const name of [
    'TENANT_IDENTITY',
    'JWT_ISSUER',
    'JWT_AUDIENCE',
    'JWT_JWKS_URL',
    'JWT_TENANT_CLAIM',
    'AWS_ENDPOINT_URL_STS',
    'TENANT_DATA_ROLE_ARN',
    'TENANT_SESSION_SECONDS',
    'TENANT_CREDENTIALS_MIN_VALIDITY_SECONDS',
    'TENANT_CREDENTIALS_RESOURCES',
  ]) {
    delete process.env[name];
  }
  await jwks.close();
  await sts.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe.each(VARIANTS)('jwt authorizer (%s)', (variant) => {
  let authorize: Authorizer;
  beforeAll(async () => {
    delete process.env.TENANT_DATA_ROLE_ARN;
    authorize = (await loadHandler('authorizer', variant, {
      tableName: 'unused',
    })) as unknown as Authorizer;
  });

  it('allows the tenant of a genuine token, and ignores x-tenant-id', async () => {
    const token = await factory.valid('Tenant-1');
    const result = await authorize(
      authorizerEvent(`Bearer ${token}`, '/isolated', { 'x-tenant-id': 'Victim-1' }),
      lambdaContext(),
    );
    expect(result).toEqual({
      principalId: 'Tenant-1',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: ARN('/isolated') }],
      },
      context: { tenantId: 'Tenant-1' },
    });
  });

  it('decides a repeated Authorization header on its last value', async () => {
    const result = await outcome(
      authorize,
      authorizerEvent(['Bearer garbage', `Bearer ${await factory.valid('Tenant-2')}`]),
    );
    expect(result).toMatchObject({ context: { tenantId: 'Tenant-2' } });
  });

  it('refuses every forged or broken token with 401 or 403', async () => {
    const answers = await Promise.all(
      forged.map(async (forgery) => ({
        label: forgery.label,
        answer: await outcome(authorize, authorizerEvent(forgery.authorization)),
      })),
    );
    expect(answers).toEqual(
      forged.map((forgery) => ({ label: forgery.label, answer: forgery.expected })),
    );
    expect(forged.length).toBeGreaterThanOrEqual(15);
  });
});

describe.each(VARIANTS)('jwt authorizer brokering tenant credentials (%s)', (variant) => {
  let authorize: Authorizer;
  beforeAll(async () => {
    Object.assign(process.env, {
      TENANT_DATA_ROLE_ARN: ROLE_ARN,
      TENANT_SESSION_SECONDS: '3600',
      TENANT_CREDENTIALS_MIN_VALIDITY_SECONDS: '70',
      TENANT_CREDENTIALS_RESOURCES: '/isolated',
    });
    authorize = (await loadHandler('authorizer', variant, {
      tableName: 'unused',
    })) as unknown as Authorizer;
  });

  it('hands /isolated the credentials of a session tagged with the token tenant', async () => {
    const before = sts.calls.length;
    const result = await authorize(
      authorizerEvent(`Bearer ${await factory.valid('Tenant-3')}`),
      lambdaContext(),
    );
    expect(result.context).toEqual({
      tenantId: 'Tenant-3',
      accessKeyId: sts.accessKeyFor('Tenant-3'),
      secretAccessKey: 'stand-in-secret',
      sessionToken: 'stand-in-token',
    });
    const call = sts.calls.at(-1)?.params;
    expect(sts.calls.length).toBe(before + 1);
    expect(call).toMatchObject({
      Action: 'AssumeRole',
      RoleArn: ROLE_ARN,
      DurationSeconds: '3600',
      'Tags.member.1.Key': 'tenant_id',
      'Tags.member.1.Value': 'Tenant-3',
    });
  });

  it('reuses the tenant session for the next token of the same tenant', async () => {
    await authorize(authorizerEvent(`Bearer ${await factory.valid('Tenant-4')}`), lambdaContext());
    const calls = sts.calls.length;
    await authorize(authorizerEvent(`Bearer ${await factory.valid('Tenant-4')}`), lambdaContext());
    expect(sts.calls.length).toBe(calls);
  });

  it('gives /standard the tenant and nothing tenant-scoped', async () => {
    const calls = sts.calls.length;
    const result = await authorize(
      authorizerEvent(`Bearer ${await factory.valid('Tenant-5')}`, '/standard'),
      lambdaContext(),
    );
    expect(result.context).toEqual({ tenantId: 'Tenant-5' });
    expect(sts.calls.length).toBe(calls);
  });

  it('brokers nothing for a refused token', async () => {
    const calls = sts.calls.length;
    const answers = await Promise.all(
      forged.map((forgery) => outcome(authorize, authorizerEvent(forgery.authorization))),
    );
    expect(answers).toEqual(forged.map((forgery) => forgery.expected));
    expect(sts.calls.length).toBe(calls);
  });
});
