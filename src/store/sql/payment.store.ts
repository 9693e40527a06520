import { type Kysely, sql, type Transaction } from 'kysely';
import type { PaymentEventTransaction, PaymentStore } from '../../app/payments/ports.ts';
import { paymentEvent } from '../../domain/payment/events.ts';
import { appendHistoryRows } from './history.sql.ts';
import { isUuid } from './ids.ts';
import { setOrderStatus } from './order.rows.ts';
import { appendOutboxEvents } from './outbox.repository.ts';
import { paymentRow, toPayment, toPaymentSession } from './payment.rows.ts';
import { expirePaymentSessions, warnExpiringSessions } from './payment-expiry.sql.ts';
import { commitHeldStock } from './stock.sql.ts';
import type { Database } from './tables.ts';

async function findPayment(db: Kysely<Database>, tenantId: string, paymentId: string) {
  if (!isUuid(paymentId)) return null;
  const row = await db
    .selectFrom('payments')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', paymentId)
    .executeTakeFirst();
  return row ? toPayment(row) : null;
}

function eventTransaction(trx: Transaction<Database>): PaymentEventTransaction {
  return {
    async recordEvent(event, provider, now) {
      const row = await trx
        .insertInto('payment_events')
        .values({
          tenant_id: event.tenantId,
          provider,
          event_id: event.id,
          type: event.type,
          received_at: now,
        })
        .onConflict((conflict) => conflict.doNothing())
        .returning('event_id')
        .executeTakeFirst();
      return row !== undefined;
    },

    findPayment: (tenantId, paymentId) => findPayment(trx, tenantId, paymentId),

    async lockPayment(tenantId, paymentId) {
      const row = await trx
        .selectFrom('payments')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', paymentId)
        .forUpdate()
        .executeTakeFirst();
      return row ? toPayment(row) : null;
    },

    async setPaymentOutcome(payment, outcome, now) {
      await trx
        .updateTable('payments')
        .set({
          status: outcome.status,
          failure_reason: outcome.failureReason ?? null,
          late: outcome.late ?? false,
          requires_refund: outcome.requiresRefund ?? false,
          updated_at: now,
        })
        .where('tenant_id', '=', payment.tenantId)
        .where('id', '=', payment.id)
        .execute();
    },

    async lockOrderPaymentState(tenantId, orderId) {
      // Lock order everywhere: payment session, then order, then payments, then stock.
      const session = await trx
        .selectFrom('payment_sessions')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('order_id', '=', orderId)
        .forUpdate()
        .executeTakeFirst();
      const order = await trx
        .selectFrom('orders')
        .select(['id', 'status'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', orderId)
        .forUpdate()
        .executeTakeFirst();
      if (!order) return null;
      return { orderId, status: order.status, session: session ? toPaymentSession(session) : null };
    },

    async completeSession(tenantId, sessionId, from, now) {
      const result = await trx
        .updateTable('payment_sessions')
        .set((eb) => ({ status: 'completed', updated_at: now, version: eb('version', '+', 1) }))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', sessionId)
        .where('status', '=', from)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    async moveOrder(tenantId, orderId, from, to, now) {
      if (!(await setOrderStatus(trx, { tenantId, orderId, from, to, now }))) return false;
      await appendHistoryRows(
        trx,
        [
          {
            tenantId,
            orderId,
            from,
            to,
            actorType: 'system',
            actorId: 'payment-provider',
            reason: 'payment',
          },
        ],
        now,
      );
      return true;
    },

    commitHeldStock: (tenantId, orderId, now) => commitHeldStock(trx, tenantId, orderId, now),

    async commitReleasedStockIfAvailable(tenantId, orderId, now) {
      const lines = await trx
        .selectFrom('stock_reservations as r')
        .innerJoin('product_variants as v', (join) =>
          join.onRef('v.tenant_id', '=', 'r.tenant_id').onRef('v.id', '=', 'r.variant_id'),
        )
        .select(['r.variant_id', 'r.quantity', 'v.on_hand', 'v.reserved'])
        .where('r.tenant_id', '=', tenantId)
        .where('r.order_id', '=', orderId)
        .where('r.status', '=', 'released')
        .orderBy('r.variant_id')
        // Stock writers lock NO KEY UPDATE: it serializes them without blocking the key-share
        // locks that inserting reservations (a foreign key to the variant) takes.
        .forNoKeyUpdate()
        .execute();
      if (lines.some((line) => line.on_hand - line.reserved < line.quantity)) return false;
      for (const line of lines) {
        await trx
          .updateTable('product_variants')
          .set((eb) => ({ on_hand: eb('on_hand', '-', line.quantity), updated_at: now }))
          .where('tenant_id', '=', tenantId)
          .where('id', '=', line.variant_id)
          .execute();
      }
      await trx
        .updateTable('stock_reservations')
        .set({ status: 'committed', updated_at: now })
        .where('tenant_id', '=', tenantId)
        .where('order_id', '=', orderId)
        .where('status', '=', 'released')
        .execute();
      return true;
    },

    appendOutbox: (events) => appendOutboxEvents(trx, events),
  };
}

export function createSqlPaymentStore(db: Kysely<Database>): PaymentStore {
  return {
    async findSessionByOrder(tenantId, orderId) {
      if (!isUuid(orderId)) return null;
      const row = await db
        .selectFrom('payment_sessions')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('order_id', '=', orderId)
        .executeTakeFirst();
      return row ? toPaymentSession(row) : null;
    },

    async startAttempt(attempt) {
      return db.transaction().execute(async (trx) => {
        const session = await trx
          .updateTable('payment_sessions')
          .set((eb) => ({
            payment_attempts: eb('payment_attempts', '+', 1),
            last_payment_attempt_at: attempt.now,
            metadata: JSON.stringify(attempt.metadata),
            updated_at: attempt.now,
            version: eb('version', '+', 1),
          }))
          .where('tenant_id', '=', attempt.tenantId)
          .where('order_id', '=', attempt.orderId)
          .where('status', '=', 'active')
          .where('expires_at', '>', attempt.now)
          .where(sql<boolean>`payment_attempts < max_payment_attempts`)
          .returningAll()
          .executeTakeFirst();
        if (!session) return null;
        const order = await trx
          .selectFrom('orders')
          .select(['total_cents', 'currency'])
          .where('tenant_id', '=', attempt.tenantId)
          .where('id', '=', attempt.orderId)
          .executeTakeFirstOrThrow();
        const payment = {
          id: attempt.paymentId,
          tenantId: attempt.tenantId,
          orderId: attempt.orderId,
          paymentSessionId: session.id,
          attempt: session.payment_attempts,
          provider: attempt.provider,
          providerPaymentId: null,
          status: 'created' as const,
          amountCents: order.total_cents,
          currency: order.currency,
          paymentUrl: null,
          failureReason: null,
          createdAt: attempt.now,
        };
        await trx.insertInto('payments').values(paymentRow(payment)).execute();
        await appendOutboxEvents(trx, [
          paymentEvent(attempt.eventId, payment, 'payment.attempted', attempt.now),
        ]);
        return { session: toPaymentSession(session), payment };
      });
    },

    async recordProviderResult(tenantId, paymentId, result, now) {
      await db
        .updateTable('payments')
        .set(
          'failureReason' in result
            ? { status: 'failed', failure_reason: result.failureReason, updated_at: now }
            : {
                status: 'pending',
                provider_payment_id: result.providerPaymentId,
                payment_url: result.paymentUrl,
                updated_at: now,
              },
        )
        .where('tenant_id', '=', tenantId)
        .where('id', '=', paymentId)
        .where('status', '=', 'created')
        .execute();
    },

    findPayment: (tenantId, paymentId) => findPayment(db, tenantId, paymentId),

    async latestPayments(tenantId, orderIds) {
      if (orderIds.length === 0) return [];
      const rows = await db
        .selectFrom('payments')
        .selectAll()
        .distinctOn('order_id')
        .where('tenant_id', '=', tenantId)
        .where('order_id', 'in', orderIds)
        .orderBy('order_id')
        .orderBy('attempt', 'desc')
        .execute();
      const byOrder = new Map(rows.map((row) => [row.order_id, toPayment(row)]));
      return orderIds.flatMap((id) => byOrder.get(id) ?? []);
    },

    paymentEventTransaction: (work) =>
      db.transaction().execute((trx) => work(eventTransaction(trx))),
    expireSessions: (now, limit, only) => expirePaymentSessions(db, now, limit, only),
    warnExpiring: (now, withinMinutes, limit) =>
      warnExpiringSessions(db, now, withinMinutes, limit),
  };
}
