import { type Kysely, sql } from 'kysely';
import type { Database } from './tables.ts';

/**
 * Every writer of stock rows locks them in (tenant, variant id) order, so that two
 * transactions touching the same variants can never wait on each other in a cycle. NO KEY
 * UPDATE, like an UPDATE of these rows, does not block a checkout inserting reservations.
 */
async function lockHeldVariants(
  db: Kysely<Database>,
  tenantId: string,
  orderId: string,
): Promise<void> {
  await sql`
    SELECT v.id FROM product_variants v
    WHERE v.tenant_id = ${tenantId} AND v.id IN (
      SELECT variant_id FROM stock_reservations
      WHERE tenant_id = ${tenantId} AND order_id = ${orderId} AND status = 'held'
    )
    ORDER BY v.id
    FOR NO KEY UPDATE
  `.execute(db);
}

/** An order's held reservations become committed: on-hand and reserved both go down. */
export async function commitHeldStock(
  db: Kysely<Database>,
  tenantId: string,
  orderId: string,
  now: Date,
): Promise<void> {
  await lockHeldVariants(db, tenantId, orderId);
  await sql`
    WITH committed AS (
      UPDATE stock_reservations SET status = 'committed', updated_at = ${now}
      WHERE tenant_id = ${tenantId} AND order_id = ${orderId} AND status = 'held'
      RETURNING variant_id, quantity
    )
    UPDATE product_variants v
    SET on_hand = v.on_hand - c.quantity, reserved = v.reserved - c.quantity, updated_at = ${now}
    FROM committed c
    WHERE v.tenant_id = ${tenantId} AND v.id = c.variant_id
  `.execute(db);
}

/** An order's held reservations are released: the stock is available again. */
export async function releaseHeldStock(
  db: Kysely<Database>,
  tenantId: string,
  orderId: string,
  now: Date,
): Promise<void> {
  await lockHeldVariants(db, tenantId, orderId);
  await sql`
    WITH released AS (
      UPDATE stock_reservations SET status = 'released', updated_at = ${now}
      WHERE tenant_id = ${tenantId} AND order_id = ${orderId} AND status = 'held'
      RETURNING variant_id, quantity
    )
    UPDATE product_variants v
    SET reserved = v.reserved - r.quantity, updated_at = ${now}
    FROM released r
    WHERE v.tenant_id = ${tenantId} AND v.id = r.variant_id
  `.execute(db);
}
