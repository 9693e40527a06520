import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CheckoutSessionStore } from '../../app/checkout-sessions/ports.ts';
import type { CheckoutSession } from '../../domain/checkout-session/types.ts';
import { fromDocument, type SessionDocument, toDocument } from '../checkout-session-document.ts';
import { documentClientFromEnvironment, sessionKey } from './client.ts';

export interface DynamoStoreOptions {
  tableName: string;
  /** Unset: a client configured from the environment. */
  client?: DynamoDBDocumentClient | undefined;
  /** Accepted for symmetry with the configuration; the item's `ttl` is the session's expiry. */
  ttlHours?: number | undefined;
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Agent checkout sessions in DynamoDB: one item per session, keyed by tenant and id, with a
 * `ttl` (epoch seconds) that DynamoDB uses to delete it and that every write moves on. Every
 * write is conditional on the stored `version`, so a lost race fails here and the use case
 * re-reads and re-applies. DynamoDB deletes expired items lazily (up to days later), so an item
 * past its `ttl` is treated as gone here already: not returned, not written.
 */
export function createDynamoCheckoutSessionStore(
  options: DynamoStoreOptions,
): CheckoutSessionStore {
  const client = options.client ?? documentClientFromEnvironment();
  const TableName = options.tableName;

  function item(session: CheckoutSession) {
    return {
      pk: sessionKey(session.tenantId, session.id),
      tenantId: session.tenantId,
      id: session.id,
      status: session.status,
      version: session.version,
      ttl: epochSeconds(session.expiresAt),
      expiresAtMs: session.expiresAt.getTime(),
      document: JSON.stringify(toDocument(session)),
    };
  }

  return {
    async insert(session) {
      await client.send(
        new PutCommand({
          TableName,
          Item: item(session),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async find(tenantId, id, now) {
      const { Item } = await client.send(
        new GetCommand({ TableName, Key: { pk: sessionKey(tenantId, id) }, ConsistentRead: true }),
      );
      if (!Item || typeof Item.document !== 'string') return null;
      if (Number(Item.expiresAtMs) <= now.getTime()) return null;
      const session = fromDocument(JSON.parse(Item.document) as SessionDocument);
      if (session.tenantId !== tenantId) return null;
      return { ...session, version: Number(Item.version) };
    },

    async replace(session, expectedVersion, now) {
      try {
        await client.send(
          new PutCommand({
            TableName,
            Item: item(session),
            ConditionExpression: 'version = :expected AND expiresAtMs > :now',
            ExpressionAttributeValues: { ':expected': expectedVersion, ':now': now.getTime() },
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
        throw err;
      }
    },

    async sweepExpired() {
      // DynamoDB deletes items past their `ttl` itself; `find` already hides them.
      return 0;
    },
  };
}
