import { describe, expect, it } from 'vitest';
import { lambdaAcceptsTenantId } from '../../../src/local/lambda-limits.js';

describe('lambdaAcceptsTenantId', () => {
  it.each(['Tenant-1', 'a b', 'a/b', 'x'.repeat(256), 'a.b_c:d=e+f@g'])('accepts %s', (id) => {
    expect(lambdaAcceptsTenantId(id)).toBe(true);
  });

  it.each(['', 'x'.repeat(257), 'TENANT#1', 'a,b', 'äcme', 'a\tb', '{"a":1}'])(
    'refuses %s',
    (id) => {
      expect(lambdaAcceptsTenantId(id)).toBe(false);
    },
  );
});
