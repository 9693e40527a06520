import { fail, ok, type Result } from '../result.ts';
import { applyRate, type RoundingMode } from './rounding.ts';

export interface Coupon {
  tenantId: string;
  code: string;
  /** `percent`: `percentBp` off the subtotal; `fixed`: `amountCents` off, in `currency`. */
  kind: 'percent' | 'fixed';
  percentBp: number | null;
  amountCents: number | null;
  currency: string | null;
  minSubtotalCents: number;
  startsAt: Date | null;
  expiresAt: Date | null;
  active: boolean;
}

/**
 * The discount a coupon gives on a checkout, after checking that it applies. Never more than
 * the subtotal: a discount larger than what is bought clamps at zero total.
 */
export function couponDiscount(
  coupon: Coupon,
  checkout: { subtotalCents: number; currency: string; now: Date; rounding: RoundingMode },
): Result<number> {
  const { now } = checkout;
  if (
    !coupon.active ||
    (coupon.expiresAt && coupon.expiresAt <= now) ||
    (coupon.startsAt && coupon.startsAt > now)
  ) {
    return fail('COUPON_EXPIRED', `Coupon ${coupon.code} is not valid now.`, {
      field: 'couponCode',
    });
  }
  if (coupon.kind === 'fixed' && coupon.currency !== checkout.currency) {
    return fail(
      'COUPON_NOT_APPLICABLE',
      `Coupon ${coupon.code} is for ${coupon.currency} orders.`,
      {
        field: 'couponCode',
      },
    );
  }
  if (checkout.subtotalCents < coupon.minSubtotalCents) {
    return fail(
      'COUPON_MINIMUM_NOT_MET',
      `Coupon ${coupon.code} needs a subtotal of at least ${coupon.minSubtotalCents}.`,
      {
        field: 'couponCode',
        minSubtotalCents: coupon.minSubtotalCents,
      },
    );
  }
  const raw =
    coupon.kind === 'percent'
      ? applyRate(checkout.subtotalCents, coupon.percentBp ?? 0, checkout.rounding)
      : (coupon.amountCents ?? 0);
  return ok(Math.min(raw, checkout.subtotalCents));
}
