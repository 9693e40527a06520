import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A document client configured as the AWS SDK reads the environment (region, endpoint, keys). */
export function documentClientFromEnvironment(client = new DynamoDBClient({})) {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** The partition key: the tenant is part of it, so one tenant can never address another's item. */
export function sessionKey(tenantId: string, id: string): string {
  return `${tenantId}#${id}`;
}
