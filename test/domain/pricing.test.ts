import { describe, expect, it } from 'vitest';
import { splitBySeller } from '../../src/domain/checkout/split.ts';
import { type Coupon, couponDiscount } from '../../src/domain/pricing/coupon.ts';
import {
  allocate,
  applyRate,
  ROUNDING_MODES,
  type RoundingMode,
} from '../../src/domain/pricing/rounding.ts';
import { DEFAULT_PRICING, type PricingSettings } from '../../src/domain/pricing/settings.ts';
import {
  type Adjustment,
  priceOrder,
  priceShippingChange,
  totalsFromAdjustments,
} from '../../src/domain/pricing/totals.ts';
import { makeVariant } from '../support/fixtures.ts';

describe('applyRate', () => {
  it.each<[number, number, RoundingMode, number]>([
    // 125 × 10% = 12.5: a .5 with an even floor
    [125, 1000, 'half_up', 13],
    [125, 1000, 'half_even', 12],
    [125, 1000, 'down', 12],
    // 135 × 10% = 13.5: a .5 with an odd floor
    [135, 1000, 'half_up', 14],
    [135, 1000, 'half_even', 14],
    [135, 1000, 'down', 13],
    // just either side of .5, and .5 itself in basis points of a cent
    [14_999, 1, 'half_even', 1],
    [15_000, 1, 'half_even', 2],
    [25_000, 1, 'half_even', 2],
    [25_000, 1, 'half_up', 3],
    [15_001, 1, 'half_even', 2],
    // above .5 with an even floor: half_even rounds up too
    [25_001, 1, 'half_even', 3],
    [15_001, 1, 'down', 1],
    [14_999, 1, 'half_up', 1],
    // exact results are not rounded
    [2500, 800, 'half_up', 200],
    [2500, 800, 'down', 200],
    [0, 800, 'half_up', 0],
    [3998, 0, 'half_up', 0],
    [3998, 10_000, 'half_even', 3998],
  ])('applyRate(%i, %i bp, %s) is %i', (amount, bp, mode, expected) => {
    expect(applyRate(amount, bp, mode)).toBe(expected);
  });

  it('refuses a product that is not an exact integer rather than round it silently', () => {
    expect(() => applyRate(Number.MAX_SAFE_INTEGER, 2, 'half_up')).toThrow(
      new RangeError('applyRate: amount × rate is not exact'),
    );
  });

  it('knows three rounding modes, and half_up is the default', () => {
    expect(ROUNDING_MODES).toEqual(['half_up', 'half_even', 'down']);
    expect(DEFAULT_PRICING).toEqual({
      taxRateBp: 800,
      feeRateBp: 50,
      roundingMode: 'half_up',
      shippingFlatCents: 0,
    });
  });
});

describe('allocate', () => {
  it.each<[number, number[], number[]]>([
    [100, [1, 1, 1], [34, 33, 33]],
    [1001, [1000, 3000], [250, 751]],
    [10, [1, 1], [5, 5]],
    [7, [0, 5, 0], [0, 7, 0]],
    [5, [0, 0], [5, 0]],
    [0, [3, 4], [0, 0]],
    [2333, [1000, 6000, 1], [333, 2000, 0]],
    // 3.33 and 0.67: the cent left over goes to the larger remainder, not the larger floor
    [4, [5, 1], [3, 1]],
  ])('allocate(%i, %j) is %j', (total, weights, expected) => {
    expect(allocate(total, weights)).toEqual(expected);
  });

  it('always sums exactly to the total and stays within a cent of the exact share', () => {
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    for (let run = 0; run < 300; run++) {
      const weights = Array.from({ length: 1 + next(6) }, () => 1 + next(10_000));
      const sum = weights.reduce((a, b) => a + b, 0);
      const total = next(sum + 1);
      const parts = allocate(total, weights);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      parts.forEach((part, i) => {
        const exact = (total * (weights[i] ?? 0)) / sum;
        expect(Math.abs(part - exact)).toBeLessThan(1);
        expect(part).toBeLessThanOrEqual(weights[i] ?? 0);
      });
    }
  });
});

describe('priceOrder', () => {
  const settings = (over: Partial<PricingSettings> = {}) => ({ ...DEFAULT_PRICING, ...over });
  const coupon = (amountCents: number) => ({
    amountCents,
    label: 'Coupon X',
    sourceType: 'coupon',
    sourceId: 'X',
  });

  it.each([
    {
      name: 'defaults on 1999 × 2',
      lines: [3998],
      discount: 0,
      shipping: 0,
      s: settings(),
      expected: { discountCents: 0, taxCents: 320, feeCents: 20, totalCents: 4338 },
    },
    {
      name: 'tax and fee on the discounted subtotal',
      lines: [1999, 1999],
      discount: 400,
      shipping: 0,
      s: settings(),
      expected: { discountCents: 400, taxCents: 288, feeCents: 18, totalCents: 3904 },
    },
    {
      name: 'shipping neither taxed nor discounted',
      lines: [1000],
      discount: 0,
      shipping: 500,
      s: settings({ taxRateBp: 1000, feeRateBp: 0 }),
      expected: { discountCents: 0, taxCents: 100, feeCents: 0, totalCents: 1600 },
    },
    {
      name: 'a discount above the subtotal clamped to it',
      lines: [700, 300],
      discount: 5000,
      shipping: 250,
      s: settings(),
      expected: { discountCents: 1000, taxCents: 0, feeCents: 0, totalCents: 250 },
    },
    {
      name: 'half_even at .5',
      lines: [1050],
      discount: 0,
      shipping: 0,
      s: settings({ taxRateBp: 500, feeRateBp: 100, roundingMode: 'half_even' }),
      expected: { discountCents: 0, taxCents: 52, feeCents: 10, totalCents: 1112 },
    },
    {
      name: 'down at .5',
      lines: [1150],
      discount: 0,
      shipping: 0,
      s: settings({ taxRateBp: 500, feeRateBp: 100, roundingMode: 'down' }),
      expected: { discountCents: 0, taxCents: 57, feeCents: 11, totalCents: 1218 },
    },
  ])('prices $name', ({ lines, discount, shipping, s, expected }) => {
    const { totals, adjustments } = priceOrder({
      lineTotalsCents: lines,
      discount: discount > 0 ? coupon(discount) : null,
      shippingCents: shipping,
      settings: s,
    });
    const subtotalCents = lines.reduce((a, b) => a + b, 0);
    expect(totals).toEqual({
      subtotalCents,
      shippingCents: shipping,
      adjustmentsTotalCents: expected.totalCents - subtotalCents,
      ...expected,
    });
    const sum = adjustments.reduce((a, b) => a + b.amountCents, 0);
    expect(totals.totalCents).toBe(subtotalCents + sum);
    const rebuilt = totalsFromAdjustments(subtotalCents, adjustments);
    // Without a discount row it says -0 (harmless in JSON), hence the `+ 0`.
    expect({ ...rebuilt, discountCents: rebuilt.discountCents + 0 }).toEqual(totals);
    expect(adjustments.every((a) => a.amountCents !== 0)).toBe(true);
  });

  it('writes no discount row for a discount of nothing', () => {
    const { totals, adjustments } = priceOrder({
      lineTotalsCents: [1000],
      discount: coupon(0),
      shippingCents: 0,
      settings: settings({ taxRateBp: 0, feeRateBp: 0 }),
    });
    expect(adjustments).toEqual([]);
    expect(totals).toMatchObject({ discountCents: 0, totalCents: 1000 });
  });

  it('writes one labelled row per adjustment, the discount negative', () => {
    const { adjustments } = priceOrder({
      lineTotalsCents: [10_000],
      discount: coupon(1000),
      shippingCents: 300,
      settings: settings(),
    });
    expect(adjustments).toEqual([
      {
        kind: 'discount',
        label: 'Coupon X',
        amountCents: -1000,
        sourceType: 'coupon',
        sourceId: 'X',
      },
      {
        kind: 'shipping',
        label: 'Shipping',
        amountCents: 300,
        sourceType: 'tenant_settings',
        sourceId: null,
      },
      {
        kind: 'tax',
        label: 'Tax 8%',
        amountCents: 720,
        sourceType: 'tenant_settings',
        sourceId: null,
      },
      {
        kind: 'fee',
        label: 'Service fee 0.5%',
        amountCents: 45,
        sourceType: 'tenant_settings',
        sourceId: null,
      },
    ]);
  });
});

describe('couponDiscount', () => {
  const now = new Date('2026-01-15T12:00:00Z');
  const base: Coupon = {
    tenantId: 't',
    code: 'C',
    kind: 'percent',
    percentBp: 1000,
    amountCents: null,
    currency: null,
    minSubtotalCents: 0,
    startsAt: null,
    expiresAt: null,
    active: true,
  };
  const checkout = { subtotalCents: 3998, currency: 'USD', now, rounding: 'half_up' as const };
  const fixed = (amountCents: number, currency = 'USD'): Coupon => ({
    ...base,
    kind: 'fixed',
    percentBp: null,
    amountCents,
    currency,
  });

  it.each([
    { name: 'a percent coupon, rounded', coupon: base, value: 400 },
    { name: 'a 12.5% coupon, 499.75 rounded', coupon: { ...base, percentBp: 1250 }, value: 500 },
    { name: 'a fixed coupon', coupon: fixed(750), value: 750 },
    { name: 'a fixed coupon clamped to the subtotal', coupon: fixed(10_000), value: 3998 },
    { name: '100% off', coupon: { ...base, percentBp: 10_000 }, value: 3998 },
    { name: 'a minimum met exactly', coupon: { ...base, minSubtotalCents: 3998 }, value: 400 },
    { name: 'a coupon that starts now', coupon: { ...base, startsAt: now }, value: 400 },
    {
      name: 'a coupon that expires a millisecond from now',
      coupon: { ...base, expiresAt: new Date(now.getTime() + 1) },
      value: 400,
    },
  ])('gives $value off for $name', ({ coupon, value }) => {
    expect(couponDiscount(coupon, checkout)).toEqual({ ok: true, value });
  });

  it.each([
    { name: 'inactive', coupon: { ...base, active: false }, code: 'COUPON_EXPIRED' },
    { name: 'expiring now', coupon: { ...base, expiresAt: now }, code: 'COUPON_EXPIRED' },
    {
      name: 'not started',
      coupon: { ...base, startsAt: new Date(now.getTime() + 1) },
      code: 'COUPON_EXPIRED',
    },
    { name: 'in another currency', coupon: fixed(100, 'EUR'), code: 'COUPON_NOT_APPLICABLE' },
    {
      name: 'a cent short of its minimum',
      coupon: { ...base, minSubtotalCents: 3999 },
      code: 'COUPON_MINIMUM_NOT_MET',
    },
  ])('refuses a coupon $name with $code', ({ coupon, code }) => {
    const result = couponDiscount(coupon, checkout);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code, details: { field: 'couponCode' } });
  });

  it('says why it refuses a coupon', () => {
    const message = (coupon: Coupon) => {
      const result = couponDiscount(coupon, checkout);
      return result.ok ? '' : result.error.message;
    };
    expect(message({ ...base, active: false })).toBe('Coupon C is not valid now.');
    expect(message(fixed(100, 'EUR'))).toBe('Coupon C is for EUR orders.');
    expect(message({ ...base, minSubtotalCents: 5000 })).toBe(
      'Coupon C needs a subtotal of at least 5000.',
    );
  });

  it('rounds a percent discount with the tenant rounding mode', () => {
    // 12.5% of 100 = 12.5
    const c = { ...base, percentBp: 1250 };
    const at = (rounding: RoundingMode) =>
      couponDiscount(c, { ...checkout, subtotalCents: 100, rounding });
    expect([at('half_up'), at('half_even'), at('down')]).toEqual([
      { ok: true, value: 13 },
      { ok: true, value: 12 },
      { ok: true, value: 12 },
    ]);
  });
});

describe('splitBySeller', () => {
  it('puts the house brand first, then one group per seller sorted by id, keeping line order', () => {
    const t = 't';
    const z1 = makeVariant(t, { sellerId: 'zeta' });
    const h1 = makeVariant(t, { sellerId: null });
    const a1 = makeVariant(t, { sellerId: 'alpha' });
    const z2 = makeVariant(t, { sellerId: 'zeta' });
    const h2 = makeVariant(t, { sellerId: null });
    const groups = splitBySeller([z1, h1, a1, z2, h2].map((variant) => ({ variant, quantity: 1 })));
    expect(
      groups.map((g) => [g.sellerId, g.orderSource, g.lines.map((l) => l.variant.id)]),
    ).toEqual([
      [null, 'brand', [h1.id, h2.id]],
      ['alpha', 'seller', [a1.id]],
      ['zeta', 'seller', [z1.id, z2.id]],
    ]);
  });

  it('makes no brand group without house-brand lines, and none at all for no lines', () => {
    const lines = ['b', 'a'].map((sellerId) => ({
      variant: makeVariant('t', { sellerId }),
      quantity: 2,
    }));
    expect(splitBySeller(lines).map((g) => [g.sellerId, g.orderSource])).toEqual([
      ['a', 'seller'],
      ['b', 'seller'],
    ]);
    expect(splitBySeller([])).toEqual([]);
  });
});

describe('priceShippingChange', () => {
  const row = (kind: Adjustment['kind'], amountCents: number): Adjustment => ({
    kind,
    label: kind,
    amountCents,
    sourceType: 'tenant_settings',
    sourceId: null,
  });
  const staff = { sourceType: 'admin', sourceId: 'staff-1' };
  const placed = [row('discount', -500), row('shipping', 400), row('tax', 760), row('fee', 48)];

  it('replaces the shipping row with the staff amount and keeps the others', () => {
    expect(priceShippingChange(10_000, placed, 650, staff)).toEqual({
      adjustments: [
        row('discount', -500),
        row('tax', 760),
        row('fee', 48),
        { kind: 'shipping', label: 'Shipping', amountCents: 650, ...staff },
      ],
      totals: {
        subtotalCents: 10_000,
        discountCents: 500,
        shippingCents: 650,
        taxCents: 760,
        feeCents: 48,
        adjustmentsTotalCents: 958,
        totalCents: 10_958,
      },
    });
  });

  it('drops the shipping row when shipping becomes free', () => {
    const { adjustments, totals } = priceShippingChange(10_000, placed, 0, staff);
    expect(adjustments).toEqual([row('discount', -500), row('tax', 760), row('fee', 48)]);
    expect(totals).toMatchObject({ shippingCents: 0, totalCents: 10_308 });
  });

  it('adds a shipping row to an order that had none', () => {
    const { adjustments, totals } = priceShippingChange(2000, [row('tax', 160)], 1, staff);
    expect(adjustments.map((a) => [a.kind, a.amountCents])).toEqual([
      ['tax', 160],
      ['shipping', 1],
    ]);
    expect(totals).toMatchObject({ shippingCents: 1, taxCents: 160, totalCents: 2161 });
  });
});
