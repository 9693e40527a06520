import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';

/**
 * Creates the checkout sessions table (partition key `pk`, on-demand capacity) and turns on
 * TTL on its `ttl` attribute. Safe to run again: an existing table is left as it is, and TTL
 * is (re)enabled.
 */
export async function createSessionTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<'created' | 'exists'> {
  let outcome: 'created' | 'exists' = 'created';
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (err) {
    if (
      !(err instanceof ResourceInUseException) &&
      (err as Error).name !== 'ResourceInUseException'
    )
      throw err;
    outcome = 'exists';
  }
  await waitUntilTableExists({ client, maxWaitTime: 120 }, { TableName: tableName });
  await client.send(new DescribeTableCommand({ TableName: tableName }));
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      }),
    );
  } catch (err) {
    // Enabling TTL twice is refused ("already enabled"): that is the state we want. A local
    // emulator without TTL (dynalite) answers UnknownOperationException: sessions still expire,
    // since the store ignores items past their `ttl`.
    const name = (err as Error).name;
    if (name === 'UnknownOperationException') return outcome;
    if (!/already enabled/i.test((err as Error).message)) throw err;
  }
  return outcome;
}
