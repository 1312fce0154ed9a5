/**
 * The embedded DynamoDB: dynalite (the DynamoDB API over HTTP on LevelDB), on disk under the data
 * directory or in memory. The handlers reach it through the SDK's standard
 * `AWS_ENDPOINT_URL_DYNAMODB` setting, so they run the same code path as in AWS.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { ensureCountersTable } from './table.js';

export interface LocalStore {
  endpoint: string;
  /** Stops the server and closes LevelDB, which flushes everything written to disk. */
  close(): Promise<void>;
}

/** Region and dummy credentials: dynalite checks neither, but the SDK wants both. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export const localStoreClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

export const startStore = async (options: {
  /** LevelDB directory; undefined keeps everything in memory. */
  dataDir: string | undefined;
  table: string;
}): Promise<LocalStore> => {
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
  // createTableMs 0: the table is ACTIVE at once instead of after dynalite's simulated delay.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, path: options.dataDir });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
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
