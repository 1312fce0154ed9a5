/** Where counters live. One implementation (DynamoDB); the interface keeps handlers SDK-free. */
export interface CounterStore {
  /** Atomically adds one to the counter at `key` (creating it at 1) and returns the new value. */
  increment(key: string): Promise<number>;
}
