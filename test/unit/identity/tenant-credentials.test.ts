/**
 * The broker's session cache, against the real AssumeRole stand-in over HTTP: one session per
 * tenant while it stays valid long enough, a new one when it would not, and a bounded cache.
 */
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_CACHED_SESSIONS,
  TenantCredentialBroker,
} from '../../../src/identity/tenant-credentials.js';
import {
  type AssumeRoleStandIn,
  startAssumeRoleStandIn,
} from '../../../src/local/sts/assume-role.js';

let sts: AssumeRoleStandIn;
let client: STSClient;

beforeAll(async () => {
  sts = await startAssumeRoleStandIn();
  client = new STSClient({
    endpoint: sts.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});

afterAll(async () => {
  client.destroy();
  await sts.close();
});

const broker = (now: () => number, minValiditySeconds = 70) =>
  new TenantCredentialBroker(
    client,
    { roleArn: 'arn:aws:iam::123456789012:role/t', sessionSeconds: 900, minValiditySeconds },
    now,
  );

describe('TenantCredentialBroker', () => {
  it('assumes once per tenant while the session outlasts the minimum validity', async () => {
    const subject = broker(Date.now);
    const before = sts.calls.length;
    const [a1, a2, b] = await Promise.all([
      subject.credentialsFor('acme'),
      subject.credentialsFor('acme'),
      subject.credentialsFor('globex'),
    ]);
    expect(a1).toEqual(a2);
    expect(b.accessKeyId).toBe(sts.accessKeyFor('globex'));
    expect(sts.calls.length - before).toBe(2);
  });

  it('assumes anew once the session would expire within the minimum validity', async () => {
    let now = Date.now();
    const subject = broker(() => now);
    await subject.credentialsFor('acme');
    const before = sts.calls.length;
    now += (900 - 60) * 1000;
    await subject.credentialsFor('acme');
    expect(sts.calls.length - before).toBe(1);
  });

  it('keeps at most MAX_CACHED_SESSIONS sessions, dropping the least recently used', async () => {
    const subject = broker(Date.now);
    const sessions = (subject as unknown as { sessions: Map<string, unknown> }).sessions;
    const later = new Date(Date.now() + 3.6e6).toISOString();
    for (let i = 0; i < MAX_CACHED_SESSIONS; i += 1) {
      sessions.set(`t-${i}`, Promise.resolve({ expiration: later }));
    }
    await subject.credentialsFor('t-0');
    await subject.credentialsFor('newcomer');
    expect(sessions.size).toBe(MAX_CACHED_SESSIONS);
    expect(sessions.has('newcomer')).toBe(true);
    expect(sessions.has('t-0')).toBe(true);
    expect(sessions.has('t-1')).toBe(false);
  });
});
