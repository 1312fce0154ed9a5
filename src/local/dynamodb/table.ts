/**
 * The counters table, defined once. The local stack creates it from this definition, the tests
 * create theirs from it too, and a Terraform test compares it with `aws_dynamodb_table` in
 * main.tf (`name = "${var.prefix}-tenant-counters"`, `hash_key = "pk"`, attribute `pk` of type
 * S, `billing_mode = "PAY_PER_REQUEST"`), so the table the handlers meet locally is the one they
 * meet in AWS.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';

const COUNTERS_TABLE = {
  hashKey: 'pk',
  hashKeyType: 'S',
  billingMode: 'PAY_PER_REQUEST',
} as const;

export const tableName = (prefix: string): string => `${prefix}-tenant-counters`;

export const createTableInput = (name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: COUNTERS_TABLE.billingMode,
  AttributeDefinitions: [
    { AttributeName: COUNTERS_TABLE.hashKey, AttributeType: COUNTERS_TABLE.hashKeyType },
  ],
  KeySchema: [{ AttributeName: COUNTERS_TABLE.hashKey, KeyType: 'HASH' }],
});

/** Creates the table unless it exists already (a persisted store keeps it across restarts). */
export const ensureCountersTable = async (client: DynamoDBClient, name: string): Promise<void> => {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(name)));
  await waitUntilTableExists({ client, minDelay: 1, maxWaitTime: 10 }, { TableName: name });
};
