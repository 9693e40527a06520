import { type Kysely, sql } from 'kysely';
import type { Database } from '../../src/store/sql/tables.ts';

export const VARIANTS = 1000;

/**
 * `orders` unpaid orders of `tenantId`, every payment window past due, in the shape checkout
 * writes them (order, one item, a held reservation, an active payment session, a pending
 * payment, a `placed` history row), with product_variants.reserved matching: set-based, one
 * statement per table. Statements are sent one at a time (the embedded store takes one per
 * query).
 */
export async function generateUnpaidOrders(
  db: Kysely<Database>,
  tenantId: string,
  orders: number,
  now: Date,
): Promise<void> {
  // Placed 20 minutes ago, one millisecond apart: a 15-minute window closed for all of them.
  const base = new Date(now.getTime() - 20 * 60_000);
  const statements = [
    sql`INSERT INTO product_variants (tenant_id, id, sku, name, price_cents, currency, seller_id, on_hand, reserved, created_at, updated_at)
      SELECT ${tenantId}, uuid_v7(${base}::timestamptz), 'EXP-' || lpad(g::text, 5, '0'), 'Expiry product ' || g, 1000, 'USD', NULL, 1000000, 0, ${base}::timestamptz, ${base}::timestamptz
      FROM generate_series(1, ${VARIANTS}::int) g`,
    sql`CREATE UNLOGGED TABLE bench_expiry_gen (n int, ts timestamptz, qty int, variant_id uuid, sku text, name text,
      order_id uuid, checkout_id uuid, session_id uuid, payment_id uuid)`,
    sql`INSERT INTO bench_expiry_gen
      SELECT s.n, s.ts, s.qty, v.id AS variant_id, v.sku, v.name,
        uuid_v7(s.ts) AS order_id, uuid_v7(s.ts) AS checkout_id, uuid_v7(s.ts) AS session_id, uuid_v7(s.ts) AS payment_id
      FROM (SELECT g AS n, ${base}::timestamptz + g * interval '1 millisecond' AS ts, 1 + g % 3 AS qty,
              'EXP-' || lpad((((g - 1) % ${VARIANTS}::int) + 1)::text, 5, '0') AS sku
            FROM generate_series(1, ${orders}::int) g) s
      JOIN product_variants v ON v.tenant_id = ${tenantId} AND v.sku = s.sku`,
    sql`INSERT INTO orders (tenant_id, id, order_number, checkout_id, user_id, seller_id, order_source, status, currency,
        subtotal_cents, adjustments_total_cents, total_cents, shipping_address, customer, payment_method, coupon_code, version, created_at, updated_at)
      SELECT ${tenantId}, order_id, to_char(ts, 'YYMMDD') || '-' || upper(substr(md5(order_id::text), 1, 10)), checkout_id,
        'buyer-' || (n % 5000), NULL, 'brand', 'awaiting_payment', 'USD', 1000 * qty, 85 * qty, 1085 * qty,
        '{"name":"Bench Buyer","line1":"1 Load Street","city":"Springfield","postalCode":"12345","country":"US"}'::jsonb,
        jsonb_build_object('userId', 'buyer-' || (n % 5000), 'email', NULL, 'name', NULL), 'sandbox', NULL, 1, ts, ts
      FROM bench_expiry_gen`,
    sql`INSERT INTO order_items (tenant_id, order_id, line_no, variant_id, sku, name, unit_price_cents, quantity, line_total_cents)
      SELECT ${tenantId}, order_id, 1, variant_id, sku, name, 1000, qty, 1000 * qty FROM bench_expiry_gen`,
    sql`INSERT INTO order_status_history (tenant_id, order_id, id, from_status, to_status, actor_type, actor_id, reason, at)
      SELECT ${tenantId}, order_id, uuid_v7(ts), NULL, 'awaiting_payment', 'user', 'buyer-' || (n % 5000), 'placed', ts FROM bench_expiry_gen`,
    sql`INSERT INTO stock_reservations (tenant_id, order_id, variant_id, quantity, status, created_at, updated_at)
      SELECT ${tenantId}, order_id, variant_id, qty, 'held', ts, ts FROM bench_expiry_gen`,
    sql`INSERT INTO payment_sessions (tenant_id, id, order_id, status, duration_minutes, started_at, expires_at, payment_attempts,
        max_payment_attempts, last_payment_attempt_at, expiring_notified_at, metadata, version, created_at, updated_at)
      SELECT ${tenantId}, session_id, order_id, 'active', 15, ts, ts + interval '15 minutes', 1, 3, ts, NULL, '{}'::jsonb, 1, ts, ts
      FROM bench_expiry_gen`,
    sql`INSERT INTO payments (tenant_id, id, order_id, payment_session_id, attempt, provider, provider_payment_id, status,
        amount_cents, currency, payment_url, failure_reason, late, requires_refund, created_at, updated_at)
      SELECT ${tenantId}, payment_id, order_id, session_id, 1, 'sandbox', 'sbx_' || payment_id, 'pending', 1085 * qty, 'USD',
        'http://127.0.0.1/sandbox/pay/' || ${tenantId} || '/' || payment_id, NULL, false, false, ts, ts
      FROM bench_expiry_gen`,
    sql`UPDATE product_variants v SET reserved = h.quantity
      FROM (SELECT variant_id, sum(quantity) AS quantity FROM stock_reservations
            WHERE tenant_id = ${tenantId} AND status = 'held' GROUP BY variant_id) h
      WHERE v.tenant_id = ${tenantId} AND v.id = h.variant_id`,
    sql`DROP TABLE bench_expiry_gen`,
    // A database in use has statistics (autovacuum); a freshly loaded one gets them here.
    sql`VACUUM ANALYZE`,
  ];
  for (const statement of statements) await statement.execute(db);
}

export interface ExpiryState {
  activeSessions: number;
  expiredSessions: number;
  expiredOrders: number;
  heldReservations: number;
  releasedReservations: number;
  reservedUnits: number;
  events: number;
  expiryHistory: number;
}

export async function expiryState(db: Kysely<Database>, tenantId: string): Promise<ExpiryState> {
  const { rows } = await sql<Record<keyof ExpiryState, number>>`
    SELECT
      (SELECT count(*) FROM payment_sessions WHERE tenant_id = ${tenantId} AND status = 'active')::int AS "activeSessions",
      (SELECT count(*) FROM payment_sessions WHERE tenant_id = ${tenantId} AND status = 'expired')::int AS "expiredSessions",
      (SELECT count(*) FROM orders WHERE tenant_id = ${tenantId} AND status = 'expired')::int AS "expiredOrders",
      (SELECT count(*) FROM stock_reservations WHERE tenant_id = ${tenantId} AND status = 'held')::int AS "heldReservations",
      (SELECT count(*) FROM stock_reservations WHERE tenant_id = ${tenantId} AND status = 'released')::int AS "releasedReservations",
      (SELECT coalesce(sum(reserved), 0) FROM product_variants WHERE tenant_id = ${tenantId})::int AS "reservedUnits",
      (SELECT count(*) FROM outbox WHERE tenant_id = ${tenantId})::int AS "events",
      (SELECT count(*) FROM order_status_history WHERE tenant_id = ${tenantId} AND to_status = 'expired')::int AS "expiryHistory"
  `.execute(db);
  const row = rows[0];
  if (!row) throw new Error('expiryState: no row');
  return row;
}
