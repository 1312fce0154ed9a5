/**
 * The embedded DynamoDB: dynalite (the DynamoDB API over HTTP on LevelDB), on disk under the data
 * directory or in memory, in a worker thread of its own (store-thread.ts) so that it runs on
 * another core than the gateway. The handlers reach it through the SDK's standard
 * `AWS_ENDPOINT_URL_DYNAMODB` setting, so they run the same code path as in AWS.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
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
  /** Another process holds the data directory's LevelDB lock. */
  | { type: 'in-use' }
  /** LevelDB is closed (and flushed): the thread ends next. */
  | { type: 'closed'; error?: string };

export interface EmbeddedDynamoDb {
  endpoint: string;
  /** Stops the server and closes LevelDB, which flushes everything written to disk. */
  close(): Promise<void>;
}

/** The data directory is another process's: LevelDB lets one process open it at a time. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';

  constructor(
    readonly dataDir: string,
    /** The process holding the lock, where the system tells (Linux); else undefined. */
    readonly holderPid: number | undefined,
  ) {
    super(
      `${dataDir} is in use by another process${holderPid === undefined ? '' : ` (pid ${holderPid})`}`,
    );
  }
}

/** `1: POSIX  ADVISORY  WRITE 12345 fe:00:2213577 0 EOF`: pid, then device (hex) and inode. */
const PROC_LOCKS_LINE = /^\d+:\s+POSIX\s+\S+\s+\S+\s+(\d+)\s+([0-9a-f]+):([0-9a-f]+):(\d+)\s/;

/**
 * The process holding the fcntl lock LevelDB takes on `<dir>/LOCK`, from Linux's list of file
 * locks (proc(5), /proc/locks). Undefined where there is no such list or no entry for the file.
 * https://man7.org/linux/man-pages/man5/proc_locks.5.html
 */
const lockHolderPid = (dir: string): number | undefined => {
  try {
    const { ino, dev } = statSync(join(dir, 'LOCK'));
    // Linux's dev_t: the major number in bits 8-19, the minor one in bits 0-7 and 20-31.
    const major = Math.floor(dev / 0x100) & 0xfff;
    const minor = (dev & 0xff) | (Math.floor(dev / 0x1000) & 0xfff00);
    for (const line of readFileSync('/proc/locks', 'utf8').split('\n')) {
      const [, pid, lockMajor, lockMinor, inode] = PROC_LOCKS_LINE.exec(line) ?? [];
      if (
        Number(inode) === ino &&
        Number.parseInt(lockMajor ?? '', 16) === major &&
        Number.parseInt(lockMinor ?? '', 16) === minor
      ) {
        return Number(pid);
      }
    }
  } catch {
    // No /proc/locks (not Linux) or no LOCK file: the holder stays unknown.
  }
  return undefined;
};

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
    if (listening.type === 'in-use' && options.dataDir !== undefined) {
      throw new DataDirInUseError(options.dataDir, lockHolderPid(options.dataDir));
    }
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
