import { describe, expect, it } from 'vitest';
import { StageThrottle } from '../../../../src/local/gateway/throttle.js';

const clock = () => {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

const admitted = (throttle: StageThrottle, method: string, count: number): number =>
  Array.from({ length: count }, () => throttle.admit(method)).filter(Boolean).length;

describe('StageThrottle', () => {
  it('admits a burst, then refuses until tokens come back', () => {
    const time = clock();
    const throttle = new StageThrottle({ rate: 10, burst: 5 }, time.now);

    expect(admitted(throttle, 'GET /isolated', 8)).toBe(5);
    time.advance(100);
    expect(admitted(throttle, 'GET /isolated', 3)).toBe(1);
  });

  it('refills at the rate, never beyond the burst', () => {
    const time = clock();
    const throttle = new StageThrottle({ rate: 50, burst: 100 }, time.now);
    admitted(throttle, 'GET /standard', 100);

    time.advance(1_000);
    expect(admitted(throttle, 'GET /standard', 80)).toBe(50);
    time.advance(60_000);
    expect(admitted(throttle, 'GET /standard', 150)).toBe(100);
  });

  it('gives every method a bucket of its own', () => {
    const throttle = new StageThrottle({ rate: 1, burst: 2 }, clock().now);

    expect(admitted(throttle, 'GET /standard', 3)).toBe(2);
    expect(admitted(throttle, 'GET /isolated', 3)).toBe(2);
    expect(admitted(throttle, 'OPTIONS /isolated', 3)).toBe(2);
  });

  it.each([
    { rate: 0, burst: 100 },
    { rate: 50, burst: 0 },
  ])('admits everything when turned off with %j', (limits) => {
    const throttle = new StageThrottle(limits, clock().now);
    expect(throttle.enabled).toBe(false);
    expect(admitted(throttle, 'GET /standard', 1_000)).toBe(1_000);
  });
});
