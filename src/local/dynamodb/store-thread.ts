/**
 * The embedded store's own thread: dynalite listening on 127.0.0.1. Run apart from the gateway
 * so that neither waits for the other's event loop: dynalite serialises writes to one item
 * through a chain of callbacks, and every turn of a loop shared with the gateway made that chain
 * (and so the hot `/standard` row) slower.
 *
 * Bundled with esbuild at startup (../worker-entries.ts) and run without tsx; dynalite itself is
 * loaded from node_modules.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import type { FromStoreThread, StoreThreadData, ToStoreThread } from './embedded-dynamodb.js';

const port = parentPort;
if (port === null) throw new Error('store-thread.ts runs only as a worker thread');
const post = (message: FromStoreThread): void => port.postMessage(message);
const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The part of the `level` package (LevelDB) the probe below uses. */
interface LevelModule {
  Level: new (location: string) => { open(): Promise<void>; close(): Promise<void> };
}

const isLockedError = (error: unknown): boolean => {
  const code = (value: unknown): unknown =>
    typeof value === 'object' && value !== null && 'code' in value ? value.code : undefined;
  return (
    code(error) === 'LEVEL_LOCKED' ||
    (error instanceof Error && code(error.cause) === 'LEVEL_LOCKED')
  );
};

/**
 * Whether another process holds the directory's LevelDB (its LOCK file), probed with the very
 * `level` package dynalite loads. dynalite opens the directory lazily: with the lock taken it
 * still listens, and its first request then fails with an uncaught "Database is not open" that
 * ends this thread, which the start reported as `connect ECONNREFUSED`. The probe closes again
 * before dynalite opens the directory itself.
 */
const heldByAnotherProcess = async (dir: string): Promise<boolean> => {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = fromDynalite('level') as LevelModule;
  const probe = new Level(dir);
  try {
    await probe.open();
  } catch (error) {
    if (isLockedError(error)) return true;
    throw error;
  }
  await probe.close();
  return false;
};

/** dynalite on 127.0.0.1, until the local stack asks it to close. */
const serve = (dataDir: string | undefined): void => {
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
};

const { dataDir } = workerData as StoreThreadData;
(dataDir === undefined ? Promise.resolve(false) : heldByAnotherProcess(dataDir)).then(
  (held) => {
    if (!held) {
      serve(dataDir);
      return;
    }
    // Nothing else runs here: the thread ends once its port is closed.
    post({ type: 'in-use' });
    port.close();
  },
  (error: unknown) => {
    post({ type: 'failed', reason: reason(error) });
    port.close();
  },
);
