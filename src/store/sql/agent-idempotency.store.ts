import { type Kysely, sql } from 'kysely';
import type { AgentClaim, AgentIdempotencyStore } from '../../app/agent-idempotency.ts';
import type { Database } from './tables.ts';

export function createSqlAgentIdempotencyStore(db: Kysely<Database>): AgentIdempotencyStore {
  return {
    async claim(request) {
      for (let attempt = 0; attempt < 3; attempt++) {
        // An expired key, or one whose request died unfinished, is free again.
        await db
          .deleteFrom('agent_idempotency')
          .where('tenant_id', '=', request.tenantId)
          .where('key', '=', request.key)
          .where((eb) =>
            eb.or([
              eb('expires_at', '<=', request.now),
              eb.and([eb('status_code', 'is', null), eb('created_at', '<', request.staleBefore)]),
            ]),
          )
          .execute();
        const inserted = await db
          .insertInto('agent_idempotency')
          .values({
            tenant_id: request.tenantId,
            key: request.key,
            operation: request.operation,
            request_hash: request.requestHash,
            status_code: null,
            body: null,
            created_at: request.now,
            expires_at: request.expiresAt,
          })
          .onConflict((c) => c.columns(['tenant_id', 'key']).doNothing())
          .returning(sql<number>`1`.as('claimed'))
          .executeTakeFirst();
        if (inserted) return { kind: 'claimed' };
        const row = await db
          .selectFrom('agent_idempotency')
          .select(['request_hash', 'status_code', 'body'])
          .where('tenant_id', '=', request.tenantId)
          .where('key', '=', request.key)
          .executeTakeFirst();
        // Released between our insert and our read: try again.
        if (!row) continue;
        const outcome: AgentClaim =
          row.status_code === null || row.body === null
            ? { kind: 'in-flight', requestHash: row.request_hash }
            : {
                kind: 'completed',
                requestHash: row.request_hash,
                answer: { status: row.status_code, body: row.body },
              };
        return outcome;
      }
      return { kind: 'in-flight', requestHash: '' };
    },

    async complete(tenantId, key, answer) {
      await db
        .updateTable('agent_idempotency')
        .set({ status_code: answer.status, body: answer.body })
        .where('tenant_id', '=', tenantId)
        .where('key', '=', key)
        .where('status_code', 'is', null)
        .execute();
    },

    async release(tenantId, key) {
      await db
        .deleteFrom('agent_idempotency')
        .where('tenant_id', '=', tenantId)
        .where('key', '=', key)
        .where('status_code', 'is', null)
        .execute();
    },
  };
}
