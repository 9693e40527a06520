import { type Kysely, sql } from 'kysely';
import type { CheckoutSessionStore } from '../../app/checkout-sessions/ports.ts';
import { fromDocument, type SessionDocument, toDocument } from '../checkout-session-document.ts';
import type { AgentCheckoutTables } from './agent-checkout.tables.ts';
import { isUuid } from './ids.ts';
import type { Database } from './tables.ts';

/**
 * Agent checkout sessions in SQL: one row per session holding its document. Every write is an
 * `UPDATE … WHERE version = $read`, so of two concurrent writers one wins and the other
 * re-reads (the use case retries); an expired row is invisible and unwritable before the sweep.
 */
export function createSqlCheckoutSessionStore(base: Kysely<Database>): CheckoutSessionStore {
  const db = base.withTables<AgentCheckoutTables>();
  return {
    async insert(session) {
      await db
        .insertInto('checkout_sessions')
        .values({
          tenant_id: session.tenantId,
          id: session.id,
          owner_id: session.ownerId,
          status: session.status,
          document: JSON.stringify(toDocument(session)),
          version: session.version,
          created_at: session.createdAt,
          updated_at: session.updatedAt,
          expires_at: session.expiresAt,
        })
        .execute();
    },

    async find(tenantId, id, now) {
      if (!isUuid(id)) return null;
      const row = await db
        .selectFrom('checkout_sessions')
        .select(['document', 'version'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (!row) return null;
      return { ...fromDocument(row.document as unknown as SessionDocument), version: row.version };
    },

    async replace(session, expectedVersion, now) {
      const result = await db
        .updateTable('checkout_sessions')
        .set({
          status: session.status,
          document: JSON.stringify(toDocument(session)),
          version: session.version,
          updated_at: session.updatedAt,
          expires_at: session.expiresAt,
        })
        .where('tenant_id', '=', session.tenantId)
        .where('id', '=', session.id)
        .where('version', '=', expectedVersion)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async sweepExpired(now, limit) {
      // Claim a batch, skipping rows another sweeper holds, then delete exactly those.
      const result = await sql`
        DELETE FROM checkout_sessions AS s
        USING (
          SELECT tenant_id, id FROM checkout_sessions
          WHERE expires_at <= ${now}
          ORDER BY expires_at
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED
        ) AS due
        WHERE s.tenant_id = due.tenant_id AND s.id = due.id
      `.execute(db);
      return Number(result.numAffectedRows ?? 0n);
    },
  };
}
