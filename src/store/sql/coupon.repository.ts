import type { Kysely, Selectable } from 'kysely';
import type { Coupon } from '../../domain/pricing/coupon.ts';
import type { CouponsTable, Database } from './tables.ts';

export function toCoupon(row: Selectable<CouponsTable>): Coupon {
  return {
    tenantId: row.tenant_id,
    code: row.code,
    kind: row.kind,
    percentBp: row.percent_bp,
    amountCents: row.amount_cents,
    currency: row.currency,
    minSubtotalCents: row.min_subtotal_cents,
    startsAt: row.starts_at,
    expiresAt: row.expires_at,
    active: row.active,
  };
}

/** Coupon codes match without regard to case: `SAVE10` and `save10` are one coupon. */
export async function findCoupon(
  db: Kysely<Database>,
  tenantId: string,
  code: string,
): Promise<Coupon | null> {
  const row = await db
    .selectFrom('coupons')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('code', '=', code.toUpperCase())
    .executeTakeFirst();
  return row ? toCoupon(row) : null;
}

/** Inserts the coupon; null when the tenant already has its code. */
export async function insertCoupon(
  db: Kysely<Database>,
  coupon: Coupon,
  now: Date,
): Promise<Coupon | null> {
  const row = await db
    .insertInto('coupons')
    .values({
      tenant_id: coupon.tenantId,
      code: coupon.code.toUpperCase(),
      kind: coupon.kind,
      percent_bp: coupon.percentBp,
      amount_cents: coupon.amountCents,
      currency: coupon.currency,
      min_subtotal_cents: coupon.minSubtotalCents,
      starts_at: coupon.startsAt,
      expires_at: coupon.expiresAt,
      active: coupon.active,
      created_at: now,
    })
    .onConflict((conflict) => conflict.doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ? toCoupon(row) : null;
}
