import { type Kysely, sql } from 'kysely';
import type { ClaimedEvent, OutboxStore } from '../../app/outbox/ports.ts';
import type { OutboxEvent } from '../../domain/outbox.ts';
import type { Database } from './tables.ts';

interface ClaimRow {
  tenant_id: string;
  id: string;
  aggregate_type: OutboxEvent['aggregateType'];
  aggregate_id: string;
  type: string;
  payload: Record<string, unknown>;
  created_at: Date;
  attempts: number;
}

export function createSqlOutboxStore(db: Kysely<Database>): OutboxStore {
  return {
    relayBatch(now, limit, deliver) {
      return db.transaction().execute(async (trx) => {
        // The first unpublished event of each aggregate only: a later one waits until the
        // earlier is out, whichever relay holds it. SKIP LOCKED lets relays share the work.
        const { rows } = await sql<ClaimRow>`
          SELECT o.tenant_id, o.id, o.aggregate_type, o.aggregate_id, o.type, o.payload, o.created_at, o.attempts
          FROM outbox o
          WHERE o.published_at IS NULL AND o.parked_at IS NULL
            AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ${now})
            AND NOT EXISTS (
              SELECT 1 FROM outbox earlier
              WHERE earlier.tenant_id = o.tenant_id AND earlier.aggregate_id = o.aggregate_id
                AND earlier.published_at IS NULL AND earlier.position < o.position
            )
          ORDER BY o.position
          LIMIT ${limit}
          FOR UPDATE OF o SKIP LOCKED
        `.execute(trx);
        if (rows.length === 0) return { outcomes: [] };
        const events: ClaimedEvent[] = rows.map((row) => ({
          id: row.id,
          tenantId: row.tenant_id,
          aggregateType: row.aggregate_type,
          aggregateId: row.aggregate_id,
          type: row.type,
          payload: row.payload,
          createdAt: row.created_at,
          attempts: row.attempts,
        }));
        const outcomes = await deliver(events);
        const tenantOf = new Map(events.map((event) => [event.id, event.tenantId]));
        const published = outcomes.filter((o) => o.published);
        if (published.length > 0) {
          await trx
            .updateTable('outbox')
            .set({ published_at: now, last_error: null })
            .where(({ eb, refTuple, tuple }) =>
              eb(
                refTuple('tenant_id', 'id'),
                'in',
                published.map((o) => tuple(tenantOf.get(o.id) ?? '', o.id)),
              ),
            )
            .execute();
        }
        for (const failed of outcomes) {
          if (failed.published) continue;
          await trx
            .updateTable('outbox')
            .set((eb) => ({
              attempts: eb('attempts', '+', 1),
              last_error: failed.error,
              next_attempt_at: failed.nextAttemptAt,
              parked_at: failed.park ? now : null,
            }))
            .where('tenant_id', '=', tenantOf.get(failed.id) ?? '')
            .where('id', '=', failed.id)
            .execute();
        }
        return { outcomes };
      });
    },

    async prunePublished(before, limit) {
      const result = await sql`
        DELETE FROM outbox
        WHERE (tenant_id, id) IN (
          SELECT tenant_id, id FROM outbox
          WHERE published_at IS NOT NULL AND published_at < ${before}
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED
        )
      `.execute(db);
      return Number(result.numAffectedRows ?? 0n);
    },

    async unparkAll(now) {
      const result = await db
        .updateTable('outbox')
        .set({ parked_at: null, attempts: 0, next_attempt_at: now })
        .where('published_at', 'is', null)
        .where('parked_at', 'is not', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
