import { lineTotalCents, sumCents } from '../money.ts';
import { fail, ok, type Result } from '../result.ts';
import type { OrderSessionItem, OrderSessionRecord } from './types.ts';

export interface ItemLimits {
  /** Largest quantity of one SKU in a session. */
  maxQuantityPerItem: number;
  /** Largest number of distinct SKUs in a session. */
  maxDistinctItems: number;
}

export const DEFAULT_ITEM_LIMITS: ItemLimits = { maxQuantityPerItem: 999, maxDistinctItems: 50 };

export function isPastExpiry(session: Pick<OrderSessionRecord, 'expiresAt'>, now: Date): boolean {
  return session.expiresAt.getTime() <= now.getTime();
}

export function slidingExpiry(now: Date, ttlMinutes: number): Date {
  return new Date(now.getTime() + ttlMinutes * 60_000);
}

/** Adds an item; the same SKU twice merges quantities. One currency per session. */
export function addItem(
  items: readonly OrderSessionItem[],
  currency: string | null,
  item: OrderSessionItem,
  limits: ItemLimits,
): Result<OrderSessionItem[]> {
  if (currency !== null && item.currency !== currency) {
    return fail(
      'CURRENCY_MISMATCH',
      `This session is in ${currency}; ${item.sku} is priced in ${item.currency}.`,
      { field: 'variantId', sessionCurrency: currency, itemCurrency: item.currency },
    );
  }
  const existing = items.find((line) => line.sku === item.sku);
  const quantity = (existing?.quantity ?? 0) + item.quantity;
  if (quantity > limits.maxQuantityPerItem) {
    return fail(
      'QUANTITY_LIMIT_EXCEEDED',
      `At most ${limits.maxQuantityPerItem} of ${item.sku} per session.`,
      { field: 'quantity', sku: item.sku, max: limits.maxQuantityPerItem, requested: quantity },
    );
  }
  if (!existing && items.length >= limits.maxDistinctItems) {
    return fail('TOO_MANY_ITEMS', `At most ${limits.maxDistinctItems} distinct items.`, {
      max: limits.maxDistinctItems,
    });
  }
  const total = lineTotalCents(item.unitPriceCents, quantity);
  if (!total.ok) return total;
  if (existing) {
    // The price of a merged line is the catalog's current price: the session is a quote.
    return ok(items.map((line) => (line.sku === item.sku ? { ...item, quantity } : line)));
  }
  return ok([...items, { ...item }]);
}

export function removeItem(
  items: readonly OrderSessionItem[],
  sku: string,
): Result<OrderSessionItem[]> {
  if (!items.some((line) => line.sku === sku)) {
    return fail('ITEM_NOT_FOUND', `The session has no item ${sku}.`, { sku });
  }
  return ok(items.filter((line) => line.sku !== sku));
}

export function sessionSubtotalCents(items: readonly OrderSessionItem[]): number {
  return sumCents(items.map((line) => line.unitPriceCents * line.quantity));
}
