import type { Kysely, Transaction } from 'kysely';
import type { OrderChangeStore, OrderChangeTransaction } from '../../app/orders/lifecycle-ports.ts';
import { isUuid } from './ids.ts';
import { adjustmentRows, setOrderStatus, withLines } from './order.rows.ts';
import { appendOutboxEvents } from './outbox.repository.ts';
import { commitHeldStock, releaseHeldStock } from './stock.sql.ts';
import type { Database } from './tables.ts';
import { transactionalResult } from './transaction.ts';

function changeTransaction(trx: Transaction<Database>): OrderChangeTransaction {
  return {
    async lockOrder(tenantId, orderId) {
      if (!isUuid(orderId)) return null;
      // Lock order everywhere: payment session, then order, then payments, then stock.
      await trx
        .selectFrom('payment_sessions')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('order_id', '=', orderId)
        .forUpdate()
        .execute();
      const row = await trx
        .selectFrom('orders')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', orderId)
        .forUpdate()
        .executeTakeFirst();
      return row ? ((await withLines(trx, tenantId, [row]))[0] ?? null) : null;
    },

    setStatus: (tenantId, orderId, from, to, now) =>
      setOrderStatus(trx, { tenantId, orderId, from, to, now }),

    async appendHistory(tenantId, change) {
      await trx
        .insertInto('order_status_history')
        .values({
          tenant_id: tenantId,
          order_id: change.orderId,
          id: change.id,
          from_status: change.from,
          to_status: change.to,
          actor_type: change.actorType,
          actor_id: change.actorId,
          reason: change.reason,
          at: change.at,
        })
        .execute();
    },

    appendOutbox: (events) => appendOutboxEvents(trx, events),
    releaseHeldStock: (tenantId, orderId, now) => releaseHeldStock(trx, tenantId, orderId, now),
    commitHeldStock: (tenantId, orderId, now) => commitHeldStock(trx, tenantId, orderId, now),

    async endPaymentSession(tenantId, orderId, status, now) {
      await trx
        .updateTable('payment_sessions')
        .set((eb) => ({ status, updated_at: now, version: eb('version', '+', 1) }))
        .where('tenant_id', '=', tenantId)
        .where('order_id', '=', orderId)
        .where('status', '=', 'active')
        .execute();
    },

    async restock(tenantId, lines, now) {
      // In variant order, like every stock write, so that concurrent writers cannot deadlock.
      for (const line of [...lines].sort((a, b) => (a.variantId < b.variantId ? -1 : 1))) {
        await trx
          .updateTable('product_variants')
          .set((eb) => ({ on_hand: eb('on_hand', '+', line.quantity), updated_at: now }))
          .where('tenant_id', '=', tenantId)
          .where('id', '=', line.variantId)
          .execute();
      }
    },

    async replaceAdjustments(tenantId, orderId, adjustments, totals, now) {
      await trx
        .deleteFrom('order_adjustments')
        .where('tenant_id', '=', tenantId)
        .where('order_id', '=', orderId)
        .execute();
      if (adjustments.length > 0) {
        await trx
          .insertInto('order_adjustments')
          .values(adjustmentRows(tenantId, orderId, adjustments))
          .execute();
      }
      await trx
        .updateTable('orders')
        .set((eb) => ({
          adjustments_total_cents: totals.adjustmentsTotalCents,
          total_cents: totals.totalCents,
          updated_at: now,
          version: eb('version', '+', 1),
        }))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', orderId)
        .execute();
    },

    async repricePendingPayments(tenantId, orderId, amountCents, now) {
      await trx
        .updateTable('payments')
        .set({ amount_cents: amountCents, updated_at: now })
        .where('tenant_id', '=', tenantId)
        .where('order_id', '=', orderId)
        .where('status', 'in', ['created', 'pending'])
        .execute();
    },
  };
}

export function createSqlOrderChangeStore(db: Kysely<Database>): OrderChangeStore {
  return {
    transaction: (work) => transactionalResult(db, (trx) => work(changeTransaction(trx))),

    async listHistory(tenantId, orderId) {
      const rows = await db
        .selectFrom('order_status_history')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('order_id', '=', orderId)
        .orderBy('at')
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        orderId: row.order_id,
        from: row.from_status,
        to: row.to_status,
        actorType: row.actor_type,
        actorId: row.actor_id,
        reason: row.reason,
        at: row.at,
      }));
    },
  };
}
