import type { CustomerSnapshot, Order } from '../order/types.ts';
import type { ShippingAddress } from '../order-session/types.ts';
import { allocate } from '../pricing/rounding.ts';
import type { PricingSettings } from '../pricing/settings.ts';
import { priceOrder } from '../pricing/totals.ts';
import { type CheckoutLine, splitBySeller } from './split.ts';

export interface CheckoutDraft {
  checkoutId: string;
  tenantId: string;
  lines: readonly CheckoutLine[];
  currency: string;
  settings: PricingSettings;
  /** The checkout's whole discount, shared among its orders in proportion to their subtotals. */
  discount: { amountCents: number; couponCode: string } | null;
  /**
   * The checkout's whole shipping, shared among its orders like the discount (an agent checkout
   * session's selected option). Unset: each order pays the tenant's flat shipping.
   */
  shippingCents?: number | undefined;
  shippingAddress: ShippingAddress;
  customer: CustomerSnapshot;
  paymentMethod: string | null;
  now: Date;
  newId: () => string;
  newOrderNumber: () => string;
}

/** Splits a checkout into one priced order per seller, with snapshots of what was bought. */
export function buildCheckoutOrders(draft: CheckoutDraft): Order[] {
  const groups = splitBySeller(draft.lines);
  const subtotals = groups.map((group) =>
    group.lines.reduce((sum, line) => sum + line.variant.priceCents * line.quantity, 0),
  );
  const discounts = allocate(draft.discount?.amountCents ?? 0, subtotals);
  const shippings =
    draft.shippingCents === undefined
      ? subtotals.map(() => draft.settings.shippingFlatCents)
      : allocate(draft.shippingCents, subtotals);

  return groups.map((group, index) => {
    const items = group.lines.map((line) => ({
      variantId: line.variant.id,
      sku: line.variant.sku,
      name: line.variant.name,
      unitPriceCents: line.variant.priceCents,
      quantity: line.quantity,
      lineTotalCents: line.variant.priceCents * line.quantity,
    }));
    const discountCents = discounts[index] ?? 0;
    const { totals, adjustments } = priceOrder({
      lineTotalsCents: items.map((item) => item.lineTotalCents),
      discount:
        draft.discount && discountCents > 0
          ? {
              amountCents: discountCents,
              label: `Coupon ${draft.discount.couponCode}`,
              sourceType: 'coupon',
              sourceId: draft.discount.couponCode,
            }
          : null,
      shippingCents: shippings[index] ?? 0,
      settings: draft.settings,
    });
    return {
      id: draft.newId(),
      tenantId: draft.tenantId,
      orderNumber: draft.newOrderNumber(),
      checkoutId: draft.checkoutId,
      userId: draft.customer.userId,
      sellerId: group.sellerId,
      orderSource: group.orderSource,
      status: 'pending',
      currency: draft.currency,
      items,
      adjustments,
      totals,
      shippingAddress: draft.shippingAddress,
      customer: draft.customer,
      paymentMethod: draft.paymentMethod,
      couponCode: draft.discount?.couponCode ?? null,
      version: 1,
      createdAt: draft.now,
      updatedAt: draft.now,
    };
  });
}
