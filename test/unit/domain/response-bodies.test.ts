import { describe, expect, it } from 'vitest';
import {
  isolatedBody,
  STANDARD_MESSAGE,
  standardBody,
} from '../../../src/domain/response-bodies.js';

describe('standardBody', () => {
  it('serialises counter, tenant_id, isolation_enabled, message in that order', () => {
    expect(JSON.stringify(standardBody(2, 'Tenant-2'))).toBe(
      `{"counter":2,"tenant_id":"Tenant-2","isolation_enabled":false,"message":"${STANDARD_MESSAGE}"}`,
    );
  });

  it('carries a null tenant_id when no tenant was named', () => {
    expect(standardBody(1, null).tenant_id).toBeNull();
  });

  it('keeps the exact message the product promises for /standard', () => {
    expect(STANDARD_MESSAGE).toBe(
      'This function does NOT provide tenant isolation and every tenant reads and writes the same DynamoDB row. Incremented counter is shared across all the tenants',
    );
  });
});

describe('isolatedBody', () => {
  it('serialises counter, tenant_id, isolation_enabled, message in that order', () => {
    expect(JSON.stringify(isolatedBody(1, 'Tenant-1'))).toBe(
      '{"counter":1,"tenant_id":"Tenant-1","isolation_enabled":true,"message":"Counter incremented for tenant Tenant-1"}',
    );
  });
});
