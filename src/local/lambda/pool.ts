/**
 * Execution environments of both functions, under limits like Lambda's:
 *
 * - pool keys: `standard` (one pool shared by every caller) and `isolated/<tenant>` (one pool per
 *   tenant). An environment serves only its own key, so a tenant's environment is never handed
 *   to another tenant, and it serves one invocation at a time;
 * - concurrency per function: invocations in flight (running or waiting for an environment).
 *   Beyond it the invoke is throttled, as Lambda throttles beyond a function's concurrency;
 * - a cap on live environments (both functions together), which bounds memory. Lambda would
 *   start yet another environment; here a request beyond the cap waits for one, and to make
 *   room the least recently used idle environment of any key is stopped first. A key with no
 *   environment at all is never left waiting behind a busy key's queue (see `release`);
 * - a waiter can be cancelled (an AbortSignal, e.g. API Gateway's integration timeout): if it
 *   has no environment yet, it leaves the queue and never runs, and its concurrency slot is
 *   freed. Once it has one, cancelling changes nothing: the invoke runs, as in Lambda;
 * - idle environments are stopped after an idle time, as Lambda reclaims them.
 */

import { availableParallelism } from 'node:os';
import type { ExecutionEnvironment } from './environment.js';
import { IdleSet } from './idle-set.js';

export interface PoolLimits {
  maxEnvironments: number;
  concurrency: number;
  idleTimeoutMs: number;
}

/** Inits running at once: one per core (at least 2); more would only compete for the cores. */
const MAX_STARTING = Math.max(2, availableParallelism());

export interface Lease {
  environment: ExecutionEnvironment;
  /** True when the environment was started for this request (its init phase runs first). */
  cold: boolean;
}

export class ThrottledError extends Error {
  override readonly name = 'ThrottledError';
}

class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError';
}

/** The caller cancelled before an environment was free: the invoke never ran. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
}

interface Waiter {
  key: string;
  functionKey: string;
  /** When it started waiting (`now()`). */
  since: number;
  resolve: (lease: Lease) => void;
  reject: (error: Error) => void;
}

export type StartEnvironment = (key: string, functionKey: string) => ExecutionEnvironment;

export class EnvironmentPool {
  private readonly live = new Set<ExecutionEnvironment>();
  private readonly idle = new IdleSet<ExecutionEnvironment>();
  private readonly waiters: Waiter[] = [];
  private readonly inFlight = new Map<string, number>();
  private readonly liveByKey = new Map<string, number>();
  private readonly starting = new Set<ExecutionEnvironment>();
  private readonly startingKeys = new Set<string>();
  private readonly sweeper: NodeJS.Timeout;
  /** Recent init duration per function (moving average), how long a cold start costs. */
  private readonly initMs = new Map<string, number>();
  private wake: { at: number; timer: NodeJS.Timeout } | undefined;
  private closed = false;

  constructor(
    private readonly limits: PoolLimits,
    private readonly start: StartEnvironment,
    private readonly now: () => number = Date.now,
  ) {
    const every = Math.max(100, Math.min(1_000, limits.idleTimeoutMs / 2));
    this.sweeper = setInterval(() => this.reclaimIdle(), every);
    this.sweeper.unref();
  }

  get liveCount(): number {
    return this.live.size;
  }

  /**
   * An environment for `key`, reserved for the caller until `release`. When `signal` aborts
   * while the caller still waits, the wait ends with a CancelledError: the caller never gets an
   * environment, and its place in the function's concurrency is given back. An abort after the
   * environment was handed out does nothing; the caller runs its invoke and releases it.
   */
  acquire(key: string, functionKey: string, signal?: AbortSignal): Promise<Lease> {
    if (this.closed) return Promise.reject(new PoolClosedError('the local stack is stopping'));
    if (signal?.aborted) return Promise.reject(new CancelledError(`${key}: cancelled`));
    const inFlight = this.inFlight.get(functionKey) ?? 0;
    if (inFlight >= this.limits.concurrency) {
      return Promise.reject(new ThrottledError(`${functionKey}: concurrency limit reached`));
    }
    this.inFlight.set(functionKey, inFlight + 1);
    return new Promise<Lease>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        // Already served (or the pool closed): too late to cancel.
        if (index < 0) return;
        this.waiters.splice(index, 1);
        this.leave(functionKey);
        waiter.reject(new CancelledError(`${key}: cancelled while waiting for an environment`));
      };
      const waiter: Waiter = {
        key,
        functionKey,
        since: this.now(),
        resolve: (lease) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(lease);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.dispatch();
    });
  }

  /**
   * Gives the environment back; `discard` stops it (after a timeout or crash, it is dead).
   *
   * Fairness at the cap: a live environment is normally kept idle for its own key, whose next
   * waiter gets it warm at once. But when keys that have no environment at all are waiting and
   * the cap leaves them no room (no free place and no idle environment to evict), the released
   * environment is stopped instead, so that one of them can start its own. Otherwise a tenant
   * with more waiters than environments would get every environment it releases straight back,
   * and a new tenant would wait until that tenant's load ended. So a new key waits for the next
   * release of any key plus its own init, and the busy key loses one environment per new key
   * (never more: a new key that starts one is no longer new). When no new key waits, warm reuse
   * is unchanged. Lambda has no such trade-off: it would start the new tenant's environment at
   * once, beside the busy tenant's.
   */
  release(lease: Lease, functionKey: string, discard: boolean): void {
    this.leave(functionKey);
    const { environment } = lease;
    if (discard || !environment.alive || this.closed || this.newKeysNeedRoom()) {
      this.stop(environment);
    } else this.idle.add(environment.key, environment, this.now());
    this.dispatch();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    if (this.wake !== undefined) clearTimeout(this.wake.timer);
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(new PoolClosedError('the local stack is stopping'));
    }
    await Promise.all([...this.live].map((environment) => environment.terminate()));
  }

  /** One invocation of `functionKey` is no longer in flight. */
  private leave(functionKey: string): void {
    this.inFlight.set(functionKey, (this.inFlight.get(functionKey) ?? 1) - 1);
  }

  /** More keys with no environment are waiting than the cap has room for (free or idle). */
  private newKeysNeedRoom(): boolean {
    const room = this.limits.maxEnvironments - this.live.size + this.idle.size;
    if (this.waiters.length <= room) return false;
    const newKeys = new Set<string>();
    for (const waiter of this.waiters) {
      if (this.liveByKey.has(waiter.key)) continue;
      newKeys.add(waiter.key);
      if (newKeys.size > room) return true;
    }
    return false;
  }

  /**
   * Hands out environments, in two passes over the waiters (in arrival order):
   *
   * 1. warm: a waiter whose key has an idle environment gets it;
   * 2. cold: a new environment, first for keys that have none (the room `release` makes for
   *    them must not go to a busy key's scale-out), then for the rest, within limits that keep
   *    start-ups cheap on a small machine —
   *    at most MAX_STARTING inits at once (they compete for the same cores, and starving them
   *    would only trip the init timeout) and one at a time per key, so a burst from one tenant
   *    scales its environments out step by step, much as Lambda scales at a bounded rate.
   *    At the cap, a key that already has an environment waits for it; a key with none takes the
   *    place of the least recently used idle environment (after pass 1, no waiter wants that one).
   *
   * A key that already has environments, all busy, gets another only once its waiter has waited
   * as long as an init of that function takes (recent average): until then one of its own
   * environments coming free serves it sooner than a new one could. Lambda would start one at
   * once, but it has cores to spare; here every environment shares the same few cores, and a
   * 50-connection burst on one key used to start 50 environments, each paying an init and then
   * serving a fiftieth of the traffic on code its own isolate had barely optimised, which made
   * every request several times more expensive. A key with no environment starts at once.
   */
  private dispatch(): void {
    if (this.closed) return;
    for (let i = 0; i < this.waiters.length; ) {
      const waiter = this.waiters[i];
      const warm = waiter === undefined ? undefined : this.idle.takeForKey(waiter.key);
      if (waiter === undefined || warm === undefined) {
        i += 1;
        continue;
      }
      this.waiters.splice(i, 1);
      waiter.resolve({ environment: warm, cold: false });
    }
    for (const newKeysOnly of [true, false]) {
      for (let i = 0; i < this.waiters.length && this.starting.size < MAX_STARTING; ) {
        const waiter = this.waiters[i];
        if (
          waiter === undefined ||
          (newKeysOnly && this.liveByKey.has(waiter.key)) ||
          !this.mayStart(waiter)
        ) {
          i += 1;
          continue;
        }
        this.waiters.splice(i, 1);
        waiter.resolve({ environment: this.spawn(waiter), cold: true });
      }
    }
  }

  /** Whether a new environment for `key` may start now (making room if it must and can). */
  private mayStart(waiter: Waiter): boolean {
    const { key } = waiter;
    if (this.startingKeys.has(key)) return false;
    if ((this.liveByKey.get(key) ?? 0) > 0) {
      const patience = this.initMs.get(waiter.functionKey) ?? 0;
      const readyAt = waiter.since + patience;
      if (this.now() < readyAt) {
        this.wakeAt(readyAt);
        return false;
      }
    }
    if (this.live.size < this.limits.maxEnvironments) return true;
    if ((this.liveByKey.get(key) ?? 0) > 0) return false;
    const victim = this.idle.takeOldest();
    if (victim === undefined) return false;
    this.stop(victim);
    return true;
  }

  private spawn(waiter: Waiter): ExecutionEnvironment {
    const environment = this.start(waiter.key, waiter.functionKey);
    const spawnedAt = this.now();
    // Failed inits are left out: they say nothing about how long a good one takes.
    environment.ready.then(
      () => {
        const sample = this.now() - spawnedAt;
        const previous = this.initMs.get(waiter.functionKey);
        this.initMs.set(
          waiter.functionKey,
          previous === undefined ? sample : previous * 0.7 + sample * 0.3,
        );
      },
      () => undefined,
    );
    const { key } = waiter;
    this.live.add(environment);
    this.liveByKey.set(key, (this.liveByKey.get(key) ?? 0) + 1);
    this.starting.add(environment);
    this.startingKeys.add(key);
    const started = (): void => {
      if (!this.starting.delete(environment)) return;
      this.startingKeys.delete(key);
      this.dispatch();
    };
    environment.ready.then(started, started);
    environment.whenDead(() => {
      this.forget(environment);
      // An idle environment can die too (a stray timer that throws); then it is simply gone.
      this.idle.remove(environment);
      started();
      this.dispatch();
    });
    return environment;
  }

  /** Runs `dispatch` again at `at` (the earliest such time wins). */
  private wakeAt(at: number): void {
    if (this.wake !== undefined && this.wake.at <= at) return;
    if (this.wake !== undefined) clearTimeout(this.wake.timer);
    const timer = setTimeout(
      () => {
        this.wake = undefined;
        this.dispatch();
      },
      Math.max(0, at - this.now()),
    );
    timer.unref();
    this.wake = { at, timer };
  }

  private forget(environment: ExecutionEnvironment): void {
    if (!this.live.delete(environment)) return;
    const count = (this.liveByKey.get(environment.key) ?? 1) - 1;
    if (count > 0) this.liveByKey.set(environment.key, count);
    else this.liveByKey.delete(environment.key);
  }

  /** Counts as gone at once, so the cap admits its replacement without waiting for the exit. */
  private stop(environment: ExecutionEnvironment): void {
    this.forget(environment);
    void environment.terminate();
  }

  private reclaimIdle(): void {
    for (const environment of this.idle.takeIdleSince(this.now() - this.limits.idleTimeoutMs)) {
      this.stop(environment);
    }
  }
}
