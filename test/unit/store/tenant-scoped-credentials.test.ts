/**
 * The STS call shape and caching of tenant-scoped credentials. STS cannot run here, so this one
 * unit uses aws-sdk-client-mock; everything that touches DynamoDB stays on the real store.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  REFRESH_MARGIN_MS,
  SESSION_SECONDS,
  TENANT_TAG_KEY,
  TenantMismatchError,
  TenantScopedCredentials,
} from '../../../src/store/tenant-scoped-credentials.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/demo-tenant-data';
const sts = mockClient(STSClient);

const stsAnswer = (expiresAt: number, key = 'ASIAEXAMPLE') => ({
  Credentials: {
    AccessKeyId: key,
    SecretAccessKey: 'secret',
    SessionToken: 'token',
    Expiration: new Date(expiresAt),
  },
});

describe('TenantScopedCredentials', () => {
  afterEach(() => sts.reset());

  it('assumes the tenant data role with the tenant as a session tag', async () => {
    sts.on(AssumeRoleCommand).resolves(stsAnswer(Date.now() + 3_600_000));
    const scoped = new TenantScopedCredentials(new STSClient({ region: 'us-east-1' }), ROLE_ARN);
    scoped.bind('org:acme');

    const credentials = await scoped.provide();

    expect(credentials.accessKeyId).toBe('ASIAEXAMPLE');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({
      RoleArn: ROLE_ARN,
      RoleSessionName: 'tenant-org-acme',
      DurationSeconds: SESSION_SECONDS,
      Tags: [{ Key: TENANT_TAG_KEY, Value: 'org:acme' }],
    });
  });

  it('fetches once per environment while the credentials are fresh', async () => {
    sts.on(AssumeRoleCommand).resolves(stsAnswer(Date.now() + 3_600_000));
    const scoped = new TenantScopedCredentials(new STSClient({ region: 'us-east-1' }), ROLE_ARN);
    scoped.bind('acme');

    await Promise.all([scoped.provide(), scoped.provide()]);
    await scoped.provide();

    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('refreshes shortly before the credentials expire', async () => {
    let now = 1_000_000;
    sts
      .on(AssumeRoleCommand)
      .resolvesOnce(stsAnswer(now + 3_600_000, 'FIRST'))
      .resolvesOnce(stsAnswer(now + 7_200_000, 'SECOND'));
    const scoped = new TenantScopedCredentials(
      new STSClient({ region: 'us-east-1' }),
      ROLE_ARN,
      () => now,
    );
    scoped.bind('acme');

    expect((await scoped.provide()).accessKeyId).toBe('FIRST');
    now += 3_600_000 - REFRESH_MARGIN_MS - 1;
    expect((await scoped.provide()).accessKeyId).toBe('FIRST');
    now += 2;
    expect((await scoped.provide()).accessKeyId).toBe('SECOND');
  });

  it('refuses a second tenant in the same environment', () => {
    const scoped = new TenantScopedCredentials(new STSClient({ region: 'us-east-1' }), ROLE_ARN);
    scoped.bind('acme');
    expect(() => scoped.bind('acme')).not.toThrow();
    expect(() => scoped.bind('globex')).toThrow(TenantMismatchError);
  });

  it('refuses to fetch credentials before a tenant is bound', async () => {
    const scoped = new TenantScopedCredentials(new STSClient({ region: 'us-east-1' }), ROLE_ARN);
    await expect(scoped.provide()).rejects.toThrow(/No tenant bound/);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('fails when STS returns no credentials', async () => {
    sts.on(AssumeRoleCommand).resolves({});
    const scoped = new TenantScopedCredentials(new STSClient({ region: 'us-east-1' }), ROLE_ARN);
    scoped.bind('acme');
    await expect(scoped.provide()).rejects.toThrow(/no credentials/);
  });
});
