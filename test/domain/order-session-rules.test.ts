import { describe, expect, it } from 'vitest';
import {
  addItem,
  DEFAULT_ITEM_LIMITS,
  isPastExpiry,
  removeItem,
  sessionSubtotalCents,
  slidingExpiry,
} from '../../src/domain/order-session/rules.ts';
import type { OrderSessionItem } from '../../src/domain/order-session/types.ts';

const item = (sku: string, over: Partial<OrderSessionItem> = {}): OrderSessionItem => ({
  productId: `id-${sku}`,
  name: `Product ${sku}`,
  sku,
  quantity: 1,
  unitPriceCents: 1000,
  currency: 'USD',
  ...over,
});
const limits = { maxQuantityPerItem: 10, maxDistinctItems: 2 };

describe('session expiry', () => {
  const expiresAt = new Date('2026-03-01T12:00:00.000Z');

  it('is past its expiry from the expiry instant on', () => {
    expect(isPastExpiry({ expiresAt }, new Date(expiresAt.getTime() - 1))).toBe(false);
    expect(isPastExpiry({ expiresAt }, expiresAt)).toBe(true);
    expect(isPastExpiry({ expiresAt }, new Date(expiresAt.getTime() + 1))).toBe(true);
  });

  it('slides the expiry to now plus the time to live', () => {
    expect(slidingExpiry(expiresAt, 30)).toEqual(new Date('2026-03-01T12:30:00.000Z'));
    expect(slidingExpiry(expiresAt, 0)).toEqual(expiresAt);
  });
});

describe('addItem', () => {
  it('has default limits of 999 per SKU and 50 distinct SKUs', () => {
    expect(DEFAULT_ITEM_LIMITS).toEqual({ maxQuantityPerItem: 999, maxDistinctItems: 50 });
  });

  it('adds a first item to a session without a currency, as a copy', () => {
    const tee = item('TEE', { quantity: 2 });
    const result = addItem([], null, tee, limits);
    expect(result).toEqual({ ok: true, value: [tee] });
    if (result.ok) expect(result.value[0]).not.toBe(tee);
  });

  it('appends a new SKU after the others, in the session currency', () => {
    const tee = item('TEE');
    const mug = item('MUG', { unitPriceCents: 1250 });
    expect(addItem([tee], 'USD', mug, limits)).toEqual({ ok: true, value: [tee, mug] });
  });

  it('merges the same SKU, summing quantities at the newest price, leaving other lines', () => {
    const tee = item('TEE', { quantity: 2, unitPriceCents: 1000 });
    const mug = item('MUG', { quantity: 1 });
    const again = item('TEE', { quantity: 3, unitPriceCents: 900 });
    expect(addItem([tee, mug], 'USD', again, limits)).toEqual({
      ok: true,
      value: [{ ...again, quantity: 5 }, mug],
    });
  });

  it('refuses an item in another currency', () => {
    expect(addItem([item('TEE')], 'USD', item('HAT', { currency: 'EUR' }), limits)).toEqual({
      ok: false,
      error: {
        code: 'CURRENCY_MISMATCH',
        message: 'This session is in USD; HAT is priced in EUR.',
        details: { field: 'variantId', sessionCurrency: 'USD', itemCurrency: 'EUR' },
      },
    });
  });

  it('allows the per-SKU limit exactly, and refuses one more with the merged quantity', () => {
    const tee = item('TEE', { quantity: 4 });
    expect(addItem([tee], 'USD', item('TEE', { quantity: 6 }), limits)).toEqual({
      ok: true,
      value: [item('TEE', { quantity: 10 })],
    });
    expect(addItem([tee], 'USD', item('TEE', { quantity: 7 }), limits)).toEqual({
      ok: false,
      error: {
        code: 'QUANTITY_LIMIT_EXCEEDED',
        message: 'At most 10 of TEE per session.',
        details: { field: 'quantity', sku: 'TEE', max: 10, requested: 11 },
      },
    });
  });

  it('refuses a new SKU past the distinct limit, but still merges a known one', () => {
    const full = [item('A'), item('B')];
    expect(addItem(full, 'USD', item('C'), limits)).toEqual({
      ok: false,
      error: {
        code: 'TOO_MANY_ITEMS',
        message: 'At most 2 distinct items.',
        details: { max: 2 },
      },
    });
    expect(addItem(full, 'USD', item('B'), limits)).toEqual({
      ok: true,
      value: [item('A'), item('B', { quantity: 2 })],
    });
    expect(addItem([item('A')], 'USD', item('C'), limits)).toEqual({
      ok: true,
      value: [item('A'), item('C')],
    });
  });

  it('refuses a line whose total is too large', () => {
    const costly = item('GOLD', { unitPriceCents: 100_000_000_000, quantity: 2 });
    expect(addItem([], null, costly, limits)).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION_FAILED',
        message: 'The line total is too large.',
        details: { field: 'quantity' },
      },
    });
  });
});

describe('removeItem and the subtotal', () => {
  it('removes only the named SKU', () => {
    expect(removeItem([item('A'), item('B'), item('C')], 'B')).toEqual({
      ok: true,
      value: [item('A'), item('C')],
    });
  });

  it('refuses an SKU the session does not hold', () => {
    expect(removeItem([item('A')], 'Z')).toEqual({
      ok: false,
      error: {
        code: 'ITEM_NOT_FOUND',
        message: 'The session has no item Z.',
        details: { sku: 'Z' },
      },
    });
  });

  it('sums unit price times quantity over the lines', () => {
    expect(sessionSubtotalCents([])).toBe(0);
    expect(
      sessionSubtotalCents([
        item('A', { unitPriceCents: 1999, quantity: 3 }),
        item('B', { unitPriceCents: 250, quantity: 1 }),
      ]),
    ).toBe(6247);
  });
});
