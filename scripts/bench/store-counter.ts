/**
 * The embedded store for the probes, with a tally of the DynamoDB requests it receives, keyed by
 * operation (the `X-Amz-Target` header, e.g. `DynamoDB_20120810.UpdateItem`). Counting at the
 * server sees everything the SDK sends, retries included, which a client-side count would not.
 */
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { createCountersTable } from '../lib/dynalite.js';

export interface CountingStore {
  endpoint: string;
  table: string;
  /** Requests per operation since start (or the last reset). */
  counts(): Record<string, number>;
  total(): number;
  reset(): void;
  close(): Promise<void>;
}

export const startCountingStore = async (table: string): Promise<CountingStore> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  let counts: Record<string, number> = {};
  // Prepended so the tally sees a request before dynalite answers it.
  server.prependListener('request', (request) => {
    const target = request.headers['x-amz-target'];
    const operation = (Array.isArray(target) ? target[0] : target)?.split('.').pop() ?? 'none';
    counts[operation] = (counts[operation] ?? 0) + 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  await createCountersTable(endpoint, table);
  counts = {};
  return {
    endpoint,
    table,
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    reset: () => {
      counts = {};
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
