import { sumCents } from '../money.ts';
import { applyRate } from './rounding.ts';
import type { PricingSettings } from './settings.ts';

export type AdjustmentKind = 'discount' | 'shipping' | 'tax' | 'fee';

/** One row of what is added to or taken off the subtotal; discounts are negative. */
export interface Adjustment {
  kind: AdjustmentKind;
  label: string;
  amountCents: number;
  /** Where it comes from: `coupon` + its code, `tenant_settings`, `admin` + a user id… */
  sourceType: string;
  sourceId: string | null;
}

export interface Totals {
  subtotalCents: number;
  discountCents: number;
  shippingCents: number;
  taxCents: number;
  feeCents: number;
  adjustmentsTotalCents: number;
  totalCents: number;
}

export interface PricingInput {
  lineTotalsCents: readonly number[];
  /** Already clamped to the subtotal by the caller's coupon rule; non-negative. */
  discount: {
    amountCents: number;
    label: string;
    sourceType: string;
    sourceId: string | null;
  } | null;
  shippingCents: number;
  settings: PricingSettings;
}

/**
 * Totals of one order, and the adjustment rows that explain them. The one function that
 * computes an order's money: tax and fee apply to the discounted merchandise subtotal, shipping
 * is neither taxed nor discounted, and every rounding goes through `applyRate`.
 */
export function priceOrder(input: PricingInput): { totals: Totals; adjustments: Adjustment[] } {
  const { settings } = input;
  const subtotalCents = sumCents(input.lineTotalsCents);
  const discountCents = Math.min(input.discount?.amountCents ?? 0, subtotalCents);
  const taxable = subtotalCents - discountCents;
  const taxCents = applyRate(taxable, settings.taxRateBp, settings.roundingMode);
  const feeCents = applyRate(taxable, settings.feeRateBp, settings.roundingMode);
  const shippingCents = input.shippingCents;

  const adjustments: Adjustment[] = [];
  if (input.discount && discountCents > 0) {
    adjustments.push({
      kind: 'discount',
      label: input.discount.label,
      amountCents: -discountCents,
      sourceType: input.discount.sourceType,
      sourceId: input.discount.sourceId,
    });
  }
  if (shippingCents > 0) {
    adjustments.push({
      kind: 'shipping',
      label: 'Shipping',
      amountCents: shippingCents,
      sourceType: 'tenant_settings',
      sourceId: null,
    });
  }
  if (taxCents > 0) {
    adjustments.push({
      kind: 'tax',
      label: `Tax ${formatRate(settings.taxRateBp)}`,
      amountCents: taxCents,
      sourceType: 'tenant_settings',
      sourceId: null,
    });
  }
  if (feeCents > 0) {
    adjustments.push({
      kind: 'fee',
      label: `Service fee ${formatRate(settings.feeRateBp)}`,
      amountCents: feeCents,
      sourceType: 'tenant_settings',
      sourceId: null,
    });
  }
  const adjustmentsTotalCents = sumCents(adjustments.map((a) => a.amountCents));
  return {
    totals: {
      subtotalCents,
      discountCents,
      shippingCents,
      taxCents,
      feeCents,
      adjustmentsTotalCents,
      totalCents: subtotalCents + adjustmentsTotalCents,
    },
    adjustments,
  };
}

/** Recomputes totals from stored adjustment rows (after an admin changes shipping, say). */
export function totalsFromAdjustments(
  subtotalCents: number,
  adjustments: readonly Adjustment[],
): Totals {
  const of = (kind: AdjustmentKind) =>
    sumCents(adjustments.filter((a) => a.kind === kind).map((a) => a.amountCents));
  const adjustmentsTotalCents = sumCents(adjustments.map((a) => a.amountCents));
  return {
    subtotalCents,
    discountCents: 0 - of('discount'),
    shippingCents: of('shipping'),
    taxCents: of('tax'),
    feeCents: of('fee'),
    adjustmentsTotalCents,
    totalCents: subtotalCents + adjustmentsTotalCents,
  };
}

function formatRate(basisPoints: number): string {
  return `${basisPoints / 100}%`;
}

/**
 * An order's adjustments with its shipping replaced by `shippingCents` (staff setting the real
 * cost before payment). Tax and fee do not depend on shipping, so they stay as they are.
 */
export function priceShippingChange(
  subtotalCents: number,
  adjustments: readonly Adjustment[],
  shippingCents: number,
  source: { sourceType: string; sourceId: string | null },
): { adjustments: Adjustment[]; totals: Totals } {
  const others = adjustments.filter((a) => a.kind !== 'shipping');
  const next =
    shippingCents > 0
      ? [
          ...others,
          { kind: 'shipping' as const, label: 'Shipping', amountCents: shippingCents, ...source },
        ]
      : others;
  return { adjustments: next, totals: totalsFromAdjustments(subtotalCents, next) };
}
