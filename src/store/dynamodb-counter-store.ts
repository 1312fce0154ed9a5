import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type CounterStore, DependencyError } from './counter-store.js';

/**
 * Counters in one DynamoDB table keyed by `pk` (S), value in `counter` (N).
 *
 * An increment is a single UpdateItem with `ADD`: DynamoDB applies it atomically, so concurrent
 * callers never lose an update; it creates the item on first use; and `UPDATED_NEW` returns the
 * new value in the same round trip — no read-modify-write, no second request.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html#Expressions.UpdateExpressions.ADD
 */
export class DynamoDbCounterStore implements CounterStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async increment(key: string): Promise<number> {
    const output = await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: key } },
        // COUNTER is a DynamoDB reserved word, so the attribute needs a name placeholder.
        // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ReservedWords.html
        UpdateExpression: 'ADD #counter :one',
        ExpressionAttributeNames: { '#counter': 'counter' },
        ExpressionAttributeValues: { ':one': { N: '1' } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const raw = output.Attributes?.counter?.N;
    const value = raw === undefined ? Number.NaN : Number(raw);
    if (!Number.isSafeInteger(value)) {
      throw new DependencyError(`UpdateItem returned no usable counter for ${key}`);
    }
    return value;
  }
}
