import { type Kysely, sql } from 'kysely';
import type { Database } from './tables.ts';

/**
 * Expires a batch of payment sessions in one statement (so one transaction): claim the due
 * sessions with SKIP LOCKED (any number of workers may run this), expire them, expire their
 * orders if still unpaid, release those orders' held reservations, give the stock back, and
 * write the events. Returns how many sessions it expired.
 */
export async function expirePaymentSessions(
  db: Kysely<Database>,
  now: Date,
  limit: number,
  only?: { tenantId: string; sessionId: string },
): Promise<number> {
  const scope = only
    ? sql`AND tenant_id = ${only.tenantId} AND id = ${only.sessionId}::uuid`
    : sql``;
  const result = await sql<{ expired: number }>`
    WITH due AS (
      SELECT tenant_id, id FROM payment_sessions
      WHERE status = 'active' AND expires_at <= ${now} ${scope}
      ORDER BY expires_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ), sessions AS (
      UPDATE payment_sessions s
      SET status = 'expired', updated_at = ${now}, version = s.version + 1
      WHERE (s.tenant_id, s.id) IN (SELECT tenant_id, id FROM due)
      RETURNING s.tenant_id, s.id, s.order_id
    ), orders_expired AS (
      UPDATE orders o
      SET status = 'expired', updated_at = ${now}, version = o.version + 1
      FROM sessions WHERE o.tenant_id = sessions.tenant_id AND o.id = sessions.order_id
        AND o.status IN ('pending', 'awaiting_payment')
      RETURNING o.tenant_id, o.id, o.order_number
    ), released AS (
      UPDATE stock_reservations r
      SET status = 'released', updated_at = ${now}
      FROM orders_expired WHERE r.tenant_id = orders_expired.tenant_id AND r.order_id = orders_expired.id
        AND r.status = 'held'
      RETURNING r.tenant_id, r.variant_id, r.quantity
    ), back AS (
      SELECT tenant_id, variant_id, sum(quantity) AS quantity FROM released GROUP BY 1, 2
    ), locked AS (
      -- Stock rows are locked in (tenant, id) order by every writer: no deadlock cycles. The
      -- quantity rides along so that the update joins one CTE only (two would nest-loop).
      SELECT v.tenant_id, v.id, back.quantity FROM product_variants v
      JOIN back ON v.tenant_id = back.tenant_id AND v.id = back.variant_id
      ORDER BY v.tenant_id, v.id
      FOR NO KEY UPDATE OF v
    ), stock AS (
      UPDATE product_variants v
      SET reserved = v.reserved - locked.quantity, updated_at = ${now}
      FROM locked
      WHERE v.tenant_id = locked.tenant_id AND v.id = locked.id
      RETURNING v.id
    ), history AS (
      INSERT INTO order_status_history (tenant_id, order_id, id, from_status, to_status, actor_type, actor_id, reason, at)
      SELECT tenant_id, id, uuid_v7(${now}::timestamptz), 'awaiting_payment', 'expired', 'system', 'payment-expiry',
        'payment window expired', ${now}::timestamptz
      FROM orders_expired
      RETURNING 1
    ), events AS (
      INSERT INTO outbox (tenant_id, id, aggregate_type, aggregate_id, type, payload, created_at)
      SELECT tenant_id, uuid_v7(${now}::timestamptz), aggregate_type, aggregate_id, type, payload, ${now}::timestamptz
      FROM (
        SELECT tenant_id, 'order' AS aggregate_type, order_id AS aggregate_id, 1 AS rank,
          'payment_session.expired' AS type,
          jsonb_build_object('paymentSessionId', id, 'orderId', order_id) AS payload
        FROM sessions
        UNION ALL
        SELECT tenant_id, 'order', id, 2, 'order.status_changed',
          jsonb_build_object('orderId', id, 'orderNumber', order_number, 'from', 'awaiting_payment',
            'to', 'expired', 'reason', 'payment window expired')
        FROM orders_expired
      ) AS e
      ORDER BY aggregate_id, rank
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM sessions)::int AS expired,
      (SELECT count(*) FROM stock)::int AS variants,
      (SELECT count(*) FROM history)::int AS history,
      (SELECT count(*) FROM events)::int AS events
  `.execute(db);
  return Number(result.rows[0]?.expired ?? 0);
}

/** Writes `payment_session.expiring` once per session whose window closes within `withinMinutes`. */
export async function warnExpiringSessions(
  db: Kysely<Database>,
  now: Date,
  withinMinutes: number,
  limit: number,
): Promise<number> {
  const horizon = new Date(now.getTime() + withinMinutes * 60_000);
  const result = await sql<{ warned: number }>`
    WITH soon AS (
      SELECT tenant_id, id FROM payment_sessions
      WHERE status = 'active' AND expiring_notified_at IS NULL
        AND expires_at > ${now} AND expires_at <= ${horizon}
      ORDER BY expires_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ), marked AS (
      UPDATE payment_sessions s SET expiring_notified_at = ${now}
      FROM soon WHERE s.tenant_id = soon.tenant_id AND s.id = soon.id
      RETURNING s.tenant_id, s.id, s.order_id, s.expires_at
    ), events AS (
      INSERT INTO outbox (tenant_id, id, aggregate_type, aggregate_id, type, payload, created_at)
      SELECT tenant_id, uuid_v7(${now}::timestamptz), 'order', order_id, 'payment_session.expiring',
        jsonb_build_object('paymentSessionId', id, 'orderId', order_id, 'expiresAt', expires_at),
        ${now}::timestamptz
      FROM marked
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM events)::int AS warned
  `.execute(db);
  return Number(result.rows[0]?.warned ?? 0);
}
