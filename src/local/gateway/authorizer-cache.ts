/**
 * API Gateway's authorizer cache: one answer per identity source value (here the x-tenant-id
 * header), kept for the authorizer's TTL (`authorizer_result_ttl_in_seconds`), so a tenant costs
 * one authorizer invoke per TTL. A TTL of 0 turns caching off: every request invokes.
 *
 * Bounded, unlike AWS's (which is not ours to fill): a flood of distinct header values would
 * otherwise grow it for a whole TTL. Beyond `maxEntries` the oldest entry goes; values longer
 * than `maxKeyLength` are never kept (Node allows headers up to 16 KB). Neither changes an answer,
 * only how often the authorizer runs.
 */
export interface AuthorizerCacheLimits {
  ttlMs: number;
  maxEntries: number;
  maxKeyLength: number;
}

export const DEFAULT_CACHE_BOUNDS = { maxEntries: 10_000, maxKeyLength: 1_024 } as const;

interface Entry<T> {
  value: T;
  expiresAt: number;
}

export class AuthorizerCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly pending = new Map<string, Promise<T>>();

  constructor(
    private readonly limits: AuthorizerCacheLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * The live cached answer for `key`, else the one `compute` gives. Concurrent misses on one key
   * share a single `compute` (one authorizer invoke for a burst from a new tenant). Only answers
   * `keep` accepts are cached: an authorizer failure is retried on the next request.
   */
  async get(
    key: string,
    compute: () => Promise<T>,
    keep: (value: T) => boolean,
  ): Promise<{ value: T; cached: boolean }> {
    if (this.limits.ttlMs <= 0 || key.length > this.limits.maxKeyLength) {
      return { value: await compute(), cached: false };
    }
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      if (entry.expiresAt > this.now()) return { value: entry.value, cached: true };
      this.entries.delete(key);
    }
    const shared = this.pending.get(key);
    if (shared !== undefined) return { value: await shared, cached: true };
    const computing = compute();
    this.pending.set(key, computing);
    try {
      const value = await computing;
      if (keep(value)) this.store(key, value);
      return { value, cached: false };
    } finally {
      this.pending.delete(key);
    }
  }

  private store(key: string, value: T): void {
    // Map keeps insertion order: the first key is the oldest entry.
    while (this.entries.size >= this.limits.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.now() + this.limits.ttlMs });
  }
}
