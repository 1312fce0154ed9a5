/** The store answered something unusable; the client did nothing wrong (a 500). */
export class DependencyError extends Error {
  override readonly name = 'DependencyError';
}

/** Where counters live. One implementation (DynamoDB); the interface keeps handlers SDK-free. */
export interface CounterStore {
  /** Atomically adds one to the counter at `key` (creating it at 1) and returns the new value. */
  increment(key: string): Promise<number>;
}
