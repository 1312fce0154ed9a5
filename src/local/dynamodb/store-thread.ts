/**
 * The embedded store's own thread: dynalite listening on 127.0.0.1. Run apart from the gateway
 * so that neither waits for the other's event loop: dynalite serialises writes to one item
 * through a chain of callbacks, and every turn of a loop shared with the gateway made that chain
 * (and so the hot `/standard` row) slower.
 *
 * Bundled with esbuild at startup (../worker-entries.ts) and run without tsx; dynalite itself is
 * loaded from node_modules.
 */
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import type { FromStoreThread, StoreThreadData, ToStoreThread } from './embedded-dynamodb.js';

const port = parentPort;
if (port === null) throw new Error('store-thread.ts runs only as a worker thread');
const post = (message: FromStoreThread): void => port.postMessage(message);
const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const { dataDir } = workerData as StoreThreadData;
// createTableMs 0: the table is ACTIVE at once instead of after dynalite's simulated delay.
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, path: dataDir });
server.once('error', (error) => post({ type: 'failed', reason: reason(error) }));
server.listen(0, '127.0.0.1', () => {
  post({ type: 'listening', port: (server.address() as AddressInfo).port });
});

port.on('message', (message: ToStoreThread) => {
  if (message.type !== 'close') return;
  server.closeAllConnections();
  // dynalite's close also closes LevelDB, which flushes everything written to disk.
  server.close((error) => {
    post(error ? { type: 'closed', error: reason(error) } : { type: 'closed' });
    port.close();
  });
});
