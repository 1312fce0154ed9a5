import { describe, expect, it } from 'vitest';
import { AuthorizerCache } from '../../../../src/local/gateway/authorizer-cache.js';

const limits = { ttlMs: 1_000, maxEntries: 3, maxKeyLength: 10 };
const keepAll = () => true;

describe('AuthorizerCache', () => {
  it('answers from the cache within the TTL and asks again after it', async () => {
    let now = 0;
    let calls = 0;
    const cache = new AuthorizerCache<number>(limits, () => now);
    const compute = async () => ++calls;

    const first = await cache.get('acme', compute, keepAll);
    now = 999;
    const second = await cache.get('acme', compute, keepAll);
    now = 1_000;
    const third = await cache.get('acme', compute, keepAll);

    expect([first, second, third]).toEqual([
      { value: 1, cached: false },
      { value: 1, cached: true },
      { value: 2, cached: false },
    ]);
  });

  it('asks every time when the TTL is 0', async () => {
    let calls = 0;
    const cache = new AuthorizerCache<number>({ ...limits, ttlMs: 0 });

    await cache.get('acme', async () => ++calls, keepAll);
    await cache.get('acme', async () => ++calls, keepAll);

    expect(calls).toBe(2);
  });

  it('shares one computation between concurrent misses on the same key', async () => {
    let calls = 0;
    const cache = new AuthorizerCache<number>(limits);
    const compute = async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return calls;
    };

    const values = await Promise.all([1, 2, 3].map(() => cache.get('acme', compute, keepAll)));

    expect(calls).toBe(1);
    expect(values.map((entry) => entry.value)).toEqual([1, 1, 1]);
  });

  it('does not keep answers the caller refuses (failures are retried)', async () => {
    let calls = 0;
    const cache = new AuthorizerCache<number>(limits);

    await cache.get(
      'acme',
      async () => ++calls,
      () => false,
    );
    await cache.get(
      'acme',
      async () => ++calls,
      () => false,
    );

    expect(calls).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('keeps at most maxEntries, dropping the oldest, and never keeps long keys', async () => {
    const cache = new AuthorizerCache<string>(limits);

    for (const key of ['a', 'b', 'c', 'd', 'x'.repeat(11)]) {
      await cache.get(key, async () => key, keepAll);
    }
    const again = await cache.get('a', async () => 'recomputed', keepAll);

    expect(cache.size).toBe(3);
    expect(again).toEqual({ value: 'recomputed', cached: false });
  });
});
