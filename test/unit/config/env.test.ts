import { afterEach, describe, expect, it } from 'vitest';
import { requireEnv } from '../../../src/config/env.js';

describe('requireEnv', () => {
  afterEach(() => {
    delete process.env.REQUIRE_ENV_TEST;
  });

  it('returns the value when set', () => {
    process.env.REQUIRE_ENV_TEST = 'counters';
    expect(requireEnv('REQUIRE_ENV_TEST')).toBe('counters');
  });

  it.each([
    ['unset', undefined],
    ['empty', ''],
    ['blank', '   '],
  ])('throws naming the variable when %s', (_label, value) => {
    if (value !== undefined) process.env.REQUIRE_ENV_TEST = value;
    expect(() => requireEnv('REQUIRE_ENV_TEST')).toThrow(/REQUIRE_ENV_TEST must be set/);
  });
});
