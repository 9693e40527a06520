import { performance } from 'node:perf_hooks';
import { type Kysely, sql } from 'kysely';
import { newTimeOrderedId } from '../../src/platform.ts';
import { appendHistoryRows } from '../../src/store/sql/history.sql.ts';
import { appendOutboxEvents } from '../../src/store/sql/outbox.repository.ts';
import { releaseHeldStock } from '../../src/store/sql/stock.sql.ts';
import type { Database } from '../../src/store/sql/tables.ts';

/**
 * The baseline for the set-based expiry: find every due session, then expire them one at a
 * time, each in its own transaction: the session update and the order update, then the same
 * release (the store's own releaseHeldStock), history row and two events as the worker writes.
 * Stops after `capMs`; the rows left are counted, not done.
 */
export async function perRowExpiry(
  db: Kysely<Database>,
  now: Date,
  capMs: number,
): Promise<{ processed: number; found: number; elapsedMs: number; capped: boolean }> {
  const started = performance.now();
  const { rows: due } = await sql<{ tenant_id: string; id: string; order_id: string }>`
    SELECT tenant_id, id, order_id FROM payment_sessions
    WHERE status = 'active' AND expires_at <= ${now} ORDER BY expires_at
  `.execute(db);
  let processed = 0;
  for (const session of due) {
    if (performance.now() - started > capMs) break;
    await db.transaction().execute(async (trx) => {
      const expired = await trx
        .updateTable('payment_sessions')
        .set((eb) => ({ status: 'expired', updated_at: now, version: eb('version', '+', 1) }))
        .where('tenant_id', '=', session.tenant_id)
        .where('id', '=', session.id)
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (expired.numUpdatedRows !== 1n) return;
      const order = await trx
        .updateTable('orders')
        .set((eb) => ({ status: 'expired', updated_at: now, version: eb('version', '+', 1) }))
        .where('tenant_id', '=', session.tenant_id)
        .where('id', '=', session.order_id)
        .where('status', 'in', ['pending', 'awaiting_payment'])
        .returning(['order_number'])
        .executeTakeFirst();
      const event = (type: string, payload: Record<string, unknown>) => ({
        id: newTimeOrderedId(),
        tenantId: session.tenant_id,
        aggregateType: 'order' as const,
        aggregateId: session.order_id,
        type,
        payload,
        createdAt: now,
      });
      const events = [
        event('payment_session.expired', {
          paymentSessionId: session.id,
          orderId: session.order_id,
        }),
      ];
      if (order) {
        await releaseHeldStock(trx, session.tenant_id, session.order_id, now);
        await appendHistoryRows(
          trx,
          [
            {
              tenantId: session.tenant_id,
              orderId: session.order_id,
              from: 'awaiting_payment',
              to: 'expired',
              actorType: 'system',
              actorId: 'payment-expiry',
              reason: 'payment window expired',
            },
          ],
          now,
        );
        events.push(
          event('order.status_changed', {
            orderId: session.order_id,
            orderNumber: order.order_number,
            from: 'awaiting_payment',
            to: 'expired',
            reason: 'payment window expired',
          }),
        );
      }
      await appendOutboxEvents(trx, events);
    });
    processed++;
  }
  return {
    processed,
    found: due.length,
    elapsedMs: performance.now() - started,
    capped: processed < due.length,
  };
}
