/**
 * A real DynamoDB-compatible server for tests: dynalite (the DynamoDB API over HTTP on LevelDB),
 * reached through the same SDK code path the handlers use in AWS. No mocks.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DynamoDBClient,
  ScanCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createTableInput } from '../../src/local/dynamodb/table.js';

export interface RunningStore {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/** Starts dynalite on `port` (0 = any free port); on disk when `path` is given, else in memory. */
export const startDynalite = async (
  options: { port?: number; path?: string; onRequest?: (request: IncomingMessage) => void } = {},
): Promise<RunningStore> => {
  // createTableMs 0: tables become ACTIVE at once instead of after dynalite's simulated delay.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, path: options.path });
  // Lets a test see what reached the store (e.g. which access key signed a request).
  if (options.onRequest) server.prependListener('request', options.onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};

const storeClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

/** Creates a counters table from the one definition the local stack uses (src/local/dynamodb/table.ts). */
export const createCountersTable = async (endpoint: string, tableName: string): Promise<void> => {
  const client = storeClient(endpoint);
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    await waitUntilTableExists({ client, minDelay: 1, maxWaitTime: 10 }, { TableName: tableName });
  } finally {
    client.destroy();
  }
};

/** Every row of the table as `pk → counter`, read with a full scan. */
export const readCounters = async (
  endpoint: string,
  tableName: string,
): Promise<Record<string, number>> => {
  const client = storeClient(endpoint);
  const rows: Record<string, number> = {};
  try {
    let startKey: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }),
      );
      for (const item of page.Items ?? []) {
        const pk = item.pk?.S;
        if (pk !== undefined) rows[pk] = Number(item.counter?.N);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  } finally {
    client.destroy();
  }
  return rows;
};
