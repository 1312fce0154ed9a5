/** Messages between the local stack (parent thread) and the store's thread (store-worker.ts). */

export interface StoreWorkerData {
  /** LevelDB directory; undefined keeps everything in memory. */
  dataDir: string | undefined;
}

export type ToStore = { type: 'close' };

export type FromStore =
  | { type: 'listening'; port: number }
  | { type: 'failed'; reason: string }
  /** LevelDB is closed (and flushed): the thread ends next. */
  | { type: 'closed'; error?: string };
