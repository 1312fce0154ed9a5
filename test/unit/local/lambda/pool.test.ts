import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionEnvironment } from '../../../../src/local/lambda/environment.js';
import {
  CancelledError,
  EnvironmentPool,
  type Lease,
  ThrottledError,
} from '../../../../src/local/lambda/pool.js';

/** The part of an ExecutionEnvironment the pool uses: no thread, init done at once. */
class FakeEnvironment {
  alive = true;
  readonly ready = Promise.resolve();
  private readonly deaths: Array<() => void> = [];

  constructor(
    readonly id: string,
    readonly key: string,
  ) {}

  whenDead(listener: () => void): void {
    if (this.alive) this.deaths.push(listener);
    else listener();
  }

  /** Dies a moment later, as a worker thread does: never inside the pool's own call. */
  async terminate(): Promise<void> {
    if (!this.alive) return;
    await Promise.resolve();
    this.alive = false;
    for (const listener of this.deaths.splice(0)) listener();
  }
}

interface Tracked {
  lease?: Lease;
  error?: Error;
}

/** Records how an acquire ends, so a test can look without awaiting a wait that goes on. */
const track = (promise: Promise<Lease>): Tracked => {
  const tracked: Tracked = {};
  promise.then(
    (lease) => {
      tracked.lease = lease;
    },
    (error: Error) => {
      tracked.error = error;
    },
  );
  return tracked;
};

/** Lets the pool's promise callbacks (init done, lease handed out) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const pools: EnvironmentPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

/** A pool with a fake factory and a clock that stands still (inits take 0 ms). */
const makePool = (maxEnvironments: number, concurrency = 100) => {
  const started: FakeEnvironment[] = [];
  let next = 1;
  const pool = new EnvironmentPool(
    { maxEnvironments, concurrency, idleTimeoutMs: 60_000 },
    (key) => {
      const environment = new FakeEnvironment(`env-${next++}`, key);
      started.push(environment);
      return environment as unknown as ExecutionEnvironment;
    },
    () => 0,
  );
  pools.push(pool);
  return { pool, started };
};

/** `count` leases of `key`, each on its own environment, one after another as scale-out goes. */
const busy = async (pool: EnvironmentPool, key: string, count: number): Promise<Lease[]> => {
  const leases: Lease[] = [];
  for (let i = 0; i < count; i += 1) {
    const tracked = track(pool.acquire(key, 'isolated'));
    await settle();
    if (tracked.lease === undefined) throw new Error(`no environment for ${key} #${i}`);
    leases.push(tracked.lease);
  }
  return leases;
};

describe('EnvironmentPool at the environment cap', () => {
  it('hands a released environment back to its own key, warm, when no new key waits', async () => {
    const { pool, started } = makePool(2);
    const [first] = await busy(pool, 'isolated/busy', 2);
    const waiting = track(pool.acquire('isolated/busy', 'isolated'));
    await settle();
    expect(waiting.lease).toBeUndefined();

    pool.release(first as Lease, 'isolated', false);
    await settle();

    expect(waiting.lease?.environment).toBe(first?.environment);
    expect(waiting.lease?.cold).toBe(false);
    expect(started).toHaveLength(2);
  });

  it('serves a new key after one release while the busy key still has waiters', async () => {
    const { pool, started } = makePool(2);
    const [first, second] = await busy(pool, 'isolated/busy', 2);
    const busyWaiters = [1, 2, 3].map(() => track(pool.acquire('isolated/busy', 'isolated')));
    const newcomer = track(pool.acquire('isolated/new', 'isolated'));
    await settle();
    expect(newcomer.lease).toBeUndefined();

    pool.release(first as Lease, 'isolated', false);
    await settle();

    // The released environment is stopped, not handed to the busy key's first waiter...
    expect(started[0]?.alive).toBe(false);
    expect(newcomer.lease?.cold).toBe(true);
    expect(newcomer.lease?.environment.key).toBe('isolated/new');
    expect(busyWaiters.every((waiter) => waiter.lease === undefined)).toBe(true);
    expect(pool.liveCount).toBe(2);

    // ...once: the new key has an environment now, so the next release is warm reuse again.
    pool.release(second as Lease, 'isolated', false);
    await settle();
    expect(busyWaiters[0]?.lease?.environment).toBe(second?.environment);
    expect(started.map((environment) => environment.key)).toEqual([
      'isolated/busy',
      'isolated/busy',
      'isolated/new',
    ]);
  });

  it('takes one environment per new key, however many requests that key has waiting', async () => {
    const { pool, started } = makePool(3);
    const leases = await busy(pool, 'isolated/busy', 3);
    track(pool.acquire('isolated/busy', 'isolated'));
    const newcomers = [1, 2, 3].map(() => track(pool.acquire('isolated/new', 'isolated')));
    await settle();

    for (const lease of leases) pool.release(lease, 'isolated', false);
    await settle();

    const newKeyEnvironments = started.filter((environment) => environment.key === 'isolated/new');
    expect(newKeyEnvironments).toHaveLength(1);
    expect(newcomers.filter((waiter) => waiter.lease !== undefined)).toHaveLength(1);
    expect(started.filter((environment) => environment.alive)).toHaveLength(3);
    expect(leases.filter((lease) => lease.environment.alive)).toHaveLength(2);
  });

  it('keeps a busy key environment when an idle one can make the room', async () => {
    const { pool, started } = makePool(3);
    const [idle] = await busy(pool, 'isolated/quiet', 1);
    pool.release(idle as Lease, 'isolated', false);
    const [first] = await busy(pool, 'isolated/busy', 2);
    const newcomer = track(pool.acquire('isolated/new', 'isolated'));
    await settle();

    // At the cap, the new key took the place of the idle environment at once.
    expect(newcomer.lease?.environment.key).toBe('isolated/new');
    expect(started[0]?.alive).toBe(false);
    pool.release(first as Lease, 'isolated', false);
    expect(first?.environment.alive).toBe(true);
    expect(started.map((environment) => environment.key)).toEqual([
      'isolated/quiet',
      'isolated/busy',
      'isolated/busy',
      'isolated/new',
    ]);
  });
});

describe('EnvironmentPool cancellation', () => {
  it('never gives an aborted waiter an environment, and frees its concurrency slot', async () => {
    const { pool, started } = makePool(1, 2);
    const [running] = await busy(pool, 'isolated/a', 1);
    const cancel = new AbortController();
    const aborted = track(pool.acquire('isolated/b', 'isolated', cancel.signal));
    await settle();
    expect(aborted.lease).toBeUndefined();

    cancel.abort();
    await settle();
    expect(aborted.error).toBeInstanceOf(CancelledError);

    // Two in flight are allowed: with the aborted one still counted, this would be throttled.
    const next = track(pool.acquire('isolated/c', 'isolated'));
    await settle();
    expect(next.error).toBeUndefined();

    pool.release(running as Lease, 'isolated', false);
    await settle();
    expect(next.lease?.environment.key).toBe('isolated/c');
    expect(started.map((environment) => environment.key)).toEqual(['isolated/a', 'isolated/c']);

    // And the slot count is right afterwards: two in flight, the third is throttled.
    track(pool.acquire('isolated/c', 'isolated'));
    const third = track(pool.acquire('isolated/c', 'isolated'));
    await settle();
    expect(third.error).toBeInstanceOf(ThrottledError);
  });

  it('refuses an already aborted signal without counting it in flight', async () => {
    const { pool } = makePool(1, 1);
    const cancel = new AbortController();
    cancel.abort();

    const refused = track(pool.acquire('isolated/a', 'isolated', cancel.signal));
    const admitted = track(pool.acquire('isolated/a', 'isolated'));
    await settle();

    expect(refused.error).toBeInstanceOf(CancelledError);
    expect(admitted.lease?.environment.key).toBe('isolated/a');
  });

  it('lets an invoke that already has its environment run on when its signal aborts', async () => {
    const { pool } = makePool(1, 1);
    const cancel = new AbortController();
    const served = track(pool.acquire('isolated/a', 'isolated', cancel.signal));
    await settle();
    const lease = served.lease as Lease;

    cancel.abort();
    await settle();

    expect(served.error).toBeUndefined();
    expect(lease.environment.alive).toBe(true);
    pool.release(lease, 'isolated', false);
    const again = track(pool.acquire('isolated/a', 'isolated'));
    await settle();
    expect(again.lease?.environment).toBe(lease.environment);
  });
});
