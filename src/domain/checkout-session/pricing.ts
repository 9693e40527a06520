import { splitBySeller } from '../checkout/split.ts';
import { allocate } from '../pricing/rounding.ts';
import type { PricingSettings } from '../pricing/settings.ts';
import { priceOrder } from '../pricing/totals.ts';
import type { CheckoutTotals, LineTotals } from './types.ts';

export interface PricedLine {
  unitPriceCents: number;
  quantity: number;
  sellerId: string | null;
}

/**
 * A session's totals as the orders completion places will have them: split by seller as the
 * checkout splits, the discount and the shipping shared among the orders in proportion to their
 * subtotals, each order priced by the one pricing function (`priceOrder`), then summed. So the
 * total an agent sees is the sum of the orders' totals, cent for cent.
 */
export function priceSession(input: {
  lines: readonly PricedLine[];
  discountCents: number;
  shippingCents: number;
  settings: PricingSettings;
}): { totals: CheckoutTotals; lineTotals: LineTotals[] } {
  const indexed = input.lines.map((line, index) => ({
    variant: { sellerId: line.sellerId },
    quantity: line.quantity,
    lineTotal: line.unitPriceCents * line.quantity,
    index,
  }));
  const groups = splitBySeller(indexed);
  const subtotals = groups.map((g) => g.lines.reduce((sum, l) => sum + l.lineTotal, 0));
  const discounts = allocate(input.discountCents, subtotals);
  const shippings = allocate(input.shippingCents, subtotals);
  const lineTotals: LineTotals[] = input.lines.map((line) => ({
    subtotalCents: line.unitPriceCents * line.quantity,
    discountCents: 0,
    totalCents: line.unitPriceCents * line.quantity,
  }));
  const totals: CheckoutTotals = {
    subtotalCents: 0,
    discountCents: 0,
    fulfillmentCents: 0,
    taxCents: 0,
    feeCents: 0,
    totalCents: 0,
  };
  groups.forEach((group, g) => {
    const discount = discounts[g] ?? 0;
    const priced = priceOrder({
      lineTotalsCents: group.lines.map((l) => l.lineTotal),
      discount:
        discount > 0
          ? { amountCents: discount, label: 'Discount', sourceType: 'coupon', sourceId: null }
          : null,
      shippingCents: shippings[g] ?? 0,
      settings: input.settings,
    });
    totals.subtotalCents += priced.totals.subtotalCents;
    totals.discountCents += priced.totals.discountCents;
    totals.fulfillmentCents += priced.totals.shippingCents;
    totals.taxCents += priced.totals.taxCents;
    totals.feeCents += priced.totals.feeCents;
    totals.totalCents += priced.totals.totalCents;
    const lineDiscounts = allocate(
      priced.totals.discountCents,
      group.lines.map((l) => l.lineTotal),
    );
    group.lines.forEach((line, i) => {
      const target = lineTotals[line.index];
      if (!target) return;
      target.discountCents = lineDiscounts[i] ?? 0;
      target.totalCents = target.subtotalCents - target.discountCents;
    });
  });
  return { totals, lineTotals };
}
