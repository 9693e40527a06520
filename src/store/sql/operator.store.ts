import type { Kysely, Selectable } from 'kysely';
import type { OperatorStore, OutboxEntry } from '../../app/operator/ports.ts';
import { toCoupon } from './coupon.repository.ts';
import { toPayment } from './payment.rows.ts';
import type { Database, OutboxTable } from './tables.ts';

function toEntry(row: Selectable<OutboxTable>): OutboxEntry {
  return {
    id: row.id,
    type: row.type,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    createdAt: row.created_at,
    publishedAt: row.published_at,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    parkedAt: row.parked_at,
  };
}

/** The operator console's reads, and unparking one event; every statement filters by tenant. */
export function createSqlOperatorStore(db: Kysely<Database>): OperatorStore {
  return {
    async paymentsOfOrder(tenantId, orderId) {
      const rows = await db
        .selectFrom('payments')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('order_id', '=', orderId)
        .orderBy('attempt')
        .execute();
      return rows.map(toPayment);
    },

    async eventsOfOrder(tenantId, orderId, limit) {
      // A payment session's events carry the session id as aggregate; its payload names the order.
      const sessions = db
        .selectFrom('payment_sessions')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('order_id', '=', orderId);
      const rows = await db
        .selectFrom('outbox')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where((eb) =>
          eb.or([eb('aggregate_id', '=', orderId), eb('aggregate_id', 'in', sessions)]),
        )
        .orderBy('position')
        .limit(limit)
        .execute();
      return rows.map(toEntry);
    },

    async parkedEvents(tenantId, limit) {
      const rows = await db
        .selectFrom('outbox')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('published_at', 'is', null)
        .where('parked_at', 'is not', null)
        .orderBy('position')
        .limit(limit)
        .execute();
      return rows.map(toEntry);
    },

    async unparkEvent(tenantId, id, now) {
      const result = await db
        .updateTable('outbox')
        .set({ parked_at: null, attempts: 0, next_attempt_at: now })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('published_at', 'is', null)
        .where('parked_at', 'is not', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async listCoupons(tenantId, limit) {
      const rows = await db
        .selectFrom('coupons')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('created_at', 'desc')
        .orderBy('code')
        .limit(limit)
        .execute();
      return rows.map(toCoupon);
    },
  };
}
