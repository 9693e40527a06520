import { type Kysely, sql, type Transaction } from 'kysely';
import type {
  CheckoutSnapshot,
  CheckoutStore,
  CheckoutTransaction,
} from '../../app/checkout/ports.ts';
import type { Order } from '../../domain/order/types.ts';
import { toVariant } from './catalog.repository.ts';
import { findCoupon } from './coupon.repository.ts';
import { appendHistoryRows } from './history.sql.ts';
import { orderToRows, reviveOrder } from './order.rows.ts';
import { appendOutboxEvents } from './outbox.repository.ts';
import { paymentRow, paymentSessionRow } from './payment.rows.ts';
import { findPricingSettings } from './settings.repository.ts';
import type { Database } from './tables.ts';
import { transactionalResult } from './transaction.ts';

function checkoutTransaction(trx: Transaction<Database>): CheckoutTransaction {
  return {
    async claimIdempotencyKey(claim) {
      // A concurrent holder of the key makes this INSERT wait until it commits or rolls back.
      const inserted = await trx
        .insertInto('idempotency_keys')
        .values({
          tenant_id: claim.tenantId,
          user_id: claim.userId,
          key: claim.key,
          request_hash: claim.requestHash,
          result: null,
          created_at: claim.now,
          expires_at: claim.expiresAt,
        })
        .onConflict((conflict) => conflict.doNothing())
        .returning('key')
        .executeTakeFirst();
      if (inserted) return { kind: 'claimed' };
      const existing = await trx
        .selectFrom('idempotency_keys')
        .select(['request_hash', 'result', 'expires_at'])
        .where('tenant_id', '=', claim.tenantId)
        .where('user_id', '=', claim.userId)
        .where('key', '=', claim.key)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (existing.expires_at <= claim.now || existing.result === null) {
        await trx
          .updateTable('idempotency_keys')
          .set({
            request_hash: claim.requestHash,
            result: null,
            created_at: claim.now,
            expires_at: claim.expiresAt,
          })
          .where('tenant_id', '=', claim.tenantId)
          .where('user_id', '=', claim.userId)
          .where('key', '=', claim.key)
          .execute();
        return { kind: 'claimed' };
      }
      const stored = existing.result as { checkoutId: string; orders: Order[] };
      return {
        kind: 'existing',
        requestHash: existing.request_hash,
        result: { checkoutId: stored.checkoutId, orders: stored.orders.map(reviveOrder) },
      };
    },

    async completeIdempotencyKey(claim, result: CheckoutSnapshot) {
      await trx
        .updateTable('idempotency_keys')
        .set({ result: JSON.stringify(result) })
        .where('tenant_id', '=', claim.tenantId)
        .where('user_id', '=', claim.userId)
        .where('key', '=', claim.key)
        .execute();
    },

    async loadVariants(tenantId, ids) {
      if (ids.length === 0) return [];
      const rows = await trx
        .selectFrom('product_variants')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', ids)
        .execute();
      return rows.map(toVariant);
    },

    loadPricingSettings: (tenantId) => findPricingSettings(trx, tenantId),
    findCoupon: (tenantId, code) => findCoupon(trx, tenantId, code),

    async reserveStock(tenantId, variantId, quantity, now) {
      // The guard and the increment are one statement: under any concurrency, never oversold.
      const result = await trx
        .updateTable('product_variants')
        .set((eb) => ({ reserved: eb('reserved', '+', quantity), updated_at: now }))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', variantId)
        .where(sql<boolean>`on_hand - reserved >= ${quantity}`)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    async availableStock(tenantId, variantId) {
      const row = await trx
        .selectFrom('product_variants')
        .select(sql<number>`on_hand - reserved`.as('available'))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', variantId)
        .executeTakeFirst();
      return Number(row?.available ?? 0);
    },

    async insertOrders(orders) {
      const rows = orders.map(orderToRows);
      await trx
        .insertInto('orders')
        .values(rows.map((r) => r.row))
        .execute();
      await appendHistoryRows(
        trx,
        orders.map((order) => ({
          tenantId: order.tenantId,
          orderId: order.id,
          from: null,
          to: order.status,
          actorType: 'user',
          actorId: order.userId,
          reason: 'placed',
        })),
        orders[0]?.createdAt ?? new Date(0),
      );
      const items = rows.flatMap((r) => r.items);
      if (items.length > 0) await trx.insertInto('order_items').values(items).execute();
      const adjustments = rows.flatMap((r) => r.adjustments);
      if (adjustments.length > 0)
        await trx.insertInto('order_adjustments').values(adjustments).execute();
      await trx
        .insertInto('stock_reservations')
        .values(
          orders.flatMap((order) =>
            order.items.map((item) => ({
              tenant_id: order.tenantId,
              order_id: order.id,
              variant_id: item.variantId,
              quantity: item.quantity,
              status: 'held' as const,
              created_at: order.createdAt,
              updated_at: order.createdAt,
            })),
          ),
        )
        .execute();
    },

    appendOutbox: (events) => appendOutboxEvents(trx, events),

    async insertPaymentWindows(sessions, payments) {
      if (sessions.length > 0)
        await trx.insertInto('payment_sessions').values(sessions.map(paymentSessionRow)).execute();
      if (payments.length > 0)
        await trx.insertInto('payments').values(payments.map(paymentRow)).execute();
    },
  };
}

export function createSqlCheckoutStore(db: Kysely<Database>): CheckoutStore {
  return {
    transaction: (work) => transactionalResult(db, (trx) => work(checkoutTransaction(trx))),
  };
}
