import { describe, expect, it } from 'vitest';
import { LAMBDA_TENANT_ID_PATTERN } from '../../../src/local/aws-limits.js';

describe('LAMBDA_TENANT_ID_PATTERN', () => {
  it.each(['Tenant-1', 'a b', 'a/b', 'x'.repeat(256), 'a.b_c:d=e+f@g'])('accepts %s', (id) => {
    expect(LAMBDA_TENANT_ID_PATTERN.test(id)).toBe(true);
  });

  it.each(['', 'x'.repeat(257), 'TENANT#1', 'a,b', 'äcme', 'a\tb', '{"a":1}'])(
    'refuses %s',
    (id) => {
      expect(LAMBDA_TENANT_ID_PATTERN.test(id)).toBe(false);
    },
  );
});
