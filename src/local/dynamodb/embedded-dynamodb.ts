/**
 * The embedded DynamoDB: dynalite (the DynamoDB API over HTTP on LevelDB), on disk under the data
 * directory or in memory, in a worker thread of its own (store-thread.ts) so that it runs on
 * another core than the gateway. The handlers reach it through the SDK's standard
 * `AWS_ENDPOINT_URL_DYNAMODB` setting, so they run the same code path as in AWS.
 */
import { mkdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../constants.js';
import { ensureCountersTable } from './table.js';

/** Messages between the local stack and the store's thread. */
export interface StoreThreadData {
  /** LevelDB directory; undefined keeps everything in memory. */
  dataDir: string | undefined;
}

export type ToStoreThread = { type: 'close' };

export type FromStoreThread =
  | { type: 'listening'; port: number }
  | { type: 'failed'; reason: string }
  /** LevelDB is closed (and flushed): the thread ends next. */
  | { type: 'closed'; error?: string };

export interface EmbeddedDynamoDb {
  endpoint: string;
  /** Stops the server and closes LevelDB, which flushes everything written to disk. */
  close(): Promise<void>;
}

export const localStoreClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

export const startEmbeddedDynamoDb = async (options: {
  /** LevelDB directory; undefined keeps everything in memory. */
  dataDir: string | undefined;
  table: string;
  /** file: URL of the bundled store thread (store-thread.ts). */
  threadUrl: URL;
}): Promise<EmbeddedDynamoDb> => {
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
  const workerData: StoreThreadData = { dataDir: options.dataDir };
  const worker = new Worker(options.threadUrl, {
    workerData,
    // Plain JavaScript: no tsx loader or other flags of the parent.
    execArgv: [],
    name: 'store',
  });
  let exitReason = 'the store thread exited';
  worker.on('error', (error) => {
    exitReason = `the store thread failed: ${error.message}`;
  });
  let hasExited = false;
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      hasExited = true;
      resolve();
    }),
  );
  /** The next message from the thread, or its exit (as a failure). */
  const next = (): Promise<FromStoreThread> =>
    new Promise((resolve) => {
      const onExit = (): void => resolve({ type: 'failed', reason: exitReason });
      worker.once('exit', onExit);
      worker.once('message', (message: FromStoreThread) => {
        worker.off('exit', onExit);
        resolve(message);
      });
    });

  const listening = await next();
  if (listening.type !== 'listening') {
    await worker.terminate();
    throw new Error(listening.type === 'failed' ? listening.reason : 'the store did not start');
  }
  const endpoint = `http://127.0.0.1:${listening.port}`;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // A thread that already died (dynalite crashed mid-run) will send nothing and never exit
      // again: report why instead of waiting for it forever.
      if (hasExited) throw new Error(exitReason);
      const answer = next();
      const message: ToStoreThread = { type: 'close' };
      worker.postMessage(message);
      const closed = await answer;
      // The thread ends on its own once LevelDB is closed; waiting for it keeps the process
      // from exiting before the last write reached the disk.
      await exited;
      if (closed.type === 'closed' && closed.error !== undefined) throw new Error(closed.error);
      if (closed.type === 'failed') throw new Error(closed.reason);
    })();
    return closing;
  };
  const client = localStoreClient(endpoint);
  try {
    await ensureCountersTable(client, options.table);
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, close };
};
