/**
 * Idle environments, keyed by who may use them, in least-recently-used order. Pure bookkeeping:
 * the pool decides what to start and stop.
 *
 * - `takeForKey` hands out the most recently used idle item of one key: warm reuse, and a
 *   tenant's surplus environments are the ones left to age out.
 * - `takeOldest` gives up the least recently used item of any key, for eviction.
 */
interface Entry {
  key: string;
  since: number;
}

export class IdleSet<T> {
  /** Insertion order = release order, so the first entry is the least recently used. */
  private readonly order = new Map<T, Entry>();
  private readonly byKey = new Map<string, T[]>();

  get size(): number {
    return this.order.size;
  }

  add(key: string, item: T, now: number): void {
    this.remove(item);
    this.order.set(item, { key, since: now });
    const list = this.byKey.get(key) ?? [];
    list.push(item);
    this.byKey.set(key, list);
  }

  takeForKey(key: string): T | undefined {
    const item = this.byKey.get(key)?.at(-1);
    if (item !== undefined) this.remove(item);
    return item;
  }

  takeOldest(): T | undefined {
    const first = this.order.keys().next();
    if (first.done) return undefined;
    this.remove(first.value);
    return first.value;
  }

  /** Removes and returns every item idle since before `cutoff`. */
  takeIdleSince(cutoff: number): T[] {
    const expired: T[] = [];
    for (const [item, entry] of this.order) {
      // Release order is time order: the first young entry ends the scan.
      if (entry.since >= cutoff) break;
      expired.push(item);
    }
    for (const item of expired) this.remove(item);
    return expired;
  }

  remove(item: T): boolean {
    const entry = this.order.get(item);
    if (entry === undefined) return false;
    this.order.delete(item);
    const list = this.byKey.get(entry.key) ?? [];
    const index = list.indexOf(item);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.byKey.delete(entry.key);
    return true;
  }
}
