import { describe, expect, it } from 'vitest';
import { SHARED_COUNTER_KEY, tenantCounterKey } from '../../../src/domain/counter-keys.js';

describe('tenantCounterKey', () => {
  it('prefixes the tenant id with TENANT#', () => {
    expect(tenantCounterKey('Tenant-1')).toBe('TENANT#Tenant-1');
  });

  it('never yields the shared key, even for a tenant named SHARED', () => {
    expect(tenantCounterKey('SHARED')).not.toBe(SHARED_COUNTER_KEY);
  });
});
