import { MAX_LINE_QUANTITY } from '../checkout/inputs.ts';
import { type Coupon, couponDiscount } from '../pricing/coupon.ts';
import type { PricingSettings } from '../pricing/settings.ts';
import {
  type Promotion,
  type SavedAddress,
  type ShippingRate,
  shippingOptionsFor,
} from './merchant.ts';
import { priceSession } from './pricing.ts';
import { DERIVED_STATUSES, deriveStatus, missingFieldMessages } from './status.ts';
import type {
  AppliedDiscount,
  CheckoutMessage,
  CheckoutSession,
  FulfillmentMethod,
  LineItem,
} from './types.ts';

/** A catalog variant as a session needs it: its price, title and what is left to sell. */
export interface CatalogEntry {
  id: string;
  sku: string;
  title: string;
  priceCents: number;
  currency: string;
  sellerId: string | null;
  available: number;
}

/** Everything a session's derived fields depend on, loaded by the use case before it recomputes. */
export interface MerchantContext {
  /** Every variant the session's lines name, by variant id. */
  variants: ReadonlyMap<string, CatalogEntry>;
  settings: PricingSettings;
  /** The tenant's discount codes among the session's codes, by upper-case code. */
  coupons: ReadonlyMap<string, { coupon: Coupon; title: string }>;
  rates: readonly ShippingRate[];
  promotions: readonly Promotion[];
  /** The saved addresses of the buyer's e-mail, if the buyer is known. */
  savedAddresses: readonly SavedAddress[];
  now: Date;
}

/**
 * Recomputes every derived field from the data: catalog prices and titles, per-line stock
 * errors, applied discounts, shipping options and selections, totals, messages and (while the
 * status is a derived one) the status. Pure; the use case stores the result.
 */
export function recompute(session: CheckoutSession, ctx: MerchantContext): CheckoutSession {
  const messages: CheckoutMessage[] = [];
  const lineItems: LineItem[] = session.lineItems.map((line, index) => {
    const entry = ctx.variants.get(line.variantId);
    if (!entry) {
      messages.push({
        type: 'error',
        code: 'item_unavailable',
        path: `$.line_items[${index}]`,
        content: `${line.sku} is no longer sold.`,
        severity: 'recoverable',
      });
      return line;
    }
    if (entry.available < line.quantity) {
      messages.push({
        type: 'error',
        code: 'out_of_stock',
        path: `$.line_items[${index}]`,
        content:
          entry.available <= 0
            ? `${entry.sku} is out of stock.`
            : `Only ${entry.available} of ${entry.sku} in stock; ${line.quantity} requested.`,
        severity: 'recoverable',
      });
    } else if (line.quantity > MAX_LINE_QUANTITY) {
      messages.push({
        type: 'error',
        code: 'quantity_limit_exceeded',
        path: `$.line_items[${index}]`,
        content: `At most ${MAX_LINE_QUANTITY} of one item per order.`,
        severity: 'recoverable',
      });
    }
    return {
      ...line,
      sku: entry.sku,
      title: entry.title,
      unitPriceCents: entry.priceCents,
      sellerId: entry.sellerId,
    };
  });

  const subtotalCents = lineItems.reduce((sum, l) => sum + l.unitPriceCents * l.quantity, 0);
  const appliedDiscounts = applyDiscounts(session, ctx, subtotalCents, messages);
  const lineIds = lineItems.map((l) => l.id);
  const skus = lineItems.map((l) => l.sku);
  const methods = session.fulfillment.methods.map((method) =>
    refreshMethod(method, { ...ctx, lineIds, skus, subtotalCents }),
  );
  const shippingCents = methods.reduce(
    (sum, method) =>
      sum +
      method.groups.reduce(
        (s, g) => s + (g.options.find((o) => o.id === g.selectedOptionId)?.amountCents ?? 0),
        0,
      ),
    0,
  );
  const priced = priceSession({
    lines: lineItems,
    discountCents: appliedDiscounts.reduce((sum, d) => sum + d.amountCents, 0),
    shippingCents,
    settings: ctx.settings,
  });
  const next: CheckoutSession = {
    ...session,
    lineItems: lineItems.map((line, i) => ({
      ...line,
      totals: priced.lineTotals[i] ?? line.totals,
    })),
    fulfillment: { methods },
    appliedDiscounts,
    totals: priced.totals,
  };
  next.messages = [...messages, ...missingFieldMessages(next)];
  if (DERIVED_STATUSES.includes(session.status)) next.status = deriveStatus(next.messages);
  return next;
}

/** Each valid code's discount on the subtotal, in the order sent; together never more than it. */
function applyDiscounts(
  session: CheckoutSession,
  ctx: MerchantContext,
  subtotalCents: number,
  messages: CheckoutMessage[],
): AppliedDiscount[] {
  const applied: AppliedDiscount[] = [];
  let left = subtotalCents;
  for (const [index, code] of session.discountCodes.entries()) {
    const found = ctx.coupons.get(code);
    const reject = (content: string) =>
      messages.push({
        type: 'warning',
        code: 'discount_code_invalid',
        path: `$.discounts.codes[${index}]`,
        content,
      });
    if (!found) {
      reject(`Discount code ${code} is not valid.`);
      continue;
    }
    if (applied.some((a) => a.code === code)) continue;
    const amount = couponDiscount(found.coupon, {
      subtotalCents,
      currency: session.currency,
      now: ctx.now,
      rounding: ctx.settings.roundingMode,
    });
    if (!amount.ok) {
      reject(amount.error.message);
      continue;
    }
    const amountCents = Math.min(amount.value, left);
    left -= amountCents;
    applied.push({ code, title: found.title, amountCents, kind: found.coupon.kind });
  }
  return applied;
}

function refreshMethod(
  method: FulfillmentMethod,
  ctx: MerchantContext & { lineIds: string[]; skus: string[]; subtotalCents: number },
): FulfillmentMethod {
  // A known buyer's saved addresses are offered when the agent has given none.
  const destinations =
    method.destinations.length > 0
      ? method.destinations
      : ctx.savedAddresses.map((a) => ({
          id: a.id,
          savedAddressId: a.id,
          streetAddress: a.streetAddress,
          extendedAddress: a.extendedAddress,
          locality: a.locality,
          region: a.region,
          postalCode: a.postalCode,
          country: a.country,
          firstName: a.firstName,
          lastName: a.lastName,
          phoneNumber: a.phoneNumber,
        }));
  const selected = destinations.find((d) => d.id === method.selectedDestinationId) ?? null;
  const options = selected
    ? shippingOptionsFor({
        country: selected.country,
        rates: ctx.rates,
        promotions: ctx.promotions,
        subtotalCents: ctx.subtotalCents,
        skus: ctx.skus,
      })
    : [];
  const groups = (
    method.groups.length > 0
      ? method.groups
      : [{ id: `${method.id}_group`, lineItemIds: [], options: [], selectedOptionId: null }]
  )
    .slice(0, 1)
    .map((group) => ({
      ...group,
      lineItemIds: ctx.lineIds,
      options,
      selectedOptionId: options.some((o) => o.id === group.selectedOptionId)
        ? group.selectedOptionId
        : null,
    }));
  return {
    ...method,
    lineItemIds: ctx.lineIds,
    destinations,
    selectedDestinationId: selected ? selected.id : null,
    groups,
  };
}
