import { describe, expect, it } from 'vitest';
import { tenantSessionName } from '../../../src/domain/session-name.js';

describe('tenantSessionName', () => {
  it('prefixes the tenant id', () => {
    expect(tenantSessionName('Tenant-1')).toBe('tenant-Tenant-1');
  });

  it('replaces characters STS refuses in a session name', () => {
    expect(tenantSessionName('org:team')).toBe('tenant-org-team');
  });

  it('stays within 64 characters for the longest tenant id', () => {
    const name = tenantSessionName('x'.repeat(128));
    expect(name).toHaveLength(64);
    expect(name).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});
