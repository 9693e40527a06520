import { expect, it } from 'vitest';
import {
  admin,
  call,
  checkoutBody,
  createProducts,
  expectTotalsAddUp,
  getProduct,
  NO_ROWS,
  type ProductDto,
  placeOrder,
  tenantRowCounts,
  useCheckoutApp,
} from '../support/checkout.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

interface Settings {
  taxRateBp: number;
  feeRateBp: number;
  roundingMode: 'half_up' | 'half_even' | 'down';
  shippingFlatCents: number;
}

interface TotalsCase {
  name: string;
  settings: Settings | null;
  priceCents: number;
  quantity: number;
  expected: { taxCents: number; feeCents: number; shippingCents: number; totalCents: number };
}

const cases: TotalsCase[] = [
  {
    name: 'the defaults (8% tax, 0.5% fee, half_up, no shipping) on 1999 × 2',
    settings: null,
    priceCents: 1999,
    quantity: 2,
    expected: { taxCents: 320, feeCents: 20, shippingCents: 0, totalCents: 4338 },
  },
  {
    name: 'half_up rounds 52.5 and 10.5 up',
    settings: { taxRateBp: 500, feeRateBp: 100, roundingMode: 'half_up', shippingFlatCents: 0 },
    priceCents: 1050,
    quantity: 1,
    expected: { taxCents: 53, feeCents: 11, shippingCents: 0, totalCents: 1114 },
  },
  {
    name: 'half_even rounds 52.5 and 10.5 to the even 52 and 10',
    settings: { taxRateBp: 500, feeRateBp: 100, roundingMode: 'half_even', shippingFlatCents: 0 },
    priceCents: 1050,
    quantity: 1,
    expected: { taxCents: 52, feeCents: 10, shippingCents: 0, totalCents: 1112 },
  },
  {
    name: 'half_even rounds 57.5 and 11.5 to the even 58 and 12',
    settings: { taxRateBp: 500, feeRateBp: 100, roundingMode: 'half_even', shippingFlatCents: 0 },
    priceCents: 1150,
    quantity: 1,
    expected: { taxCents: 58, feeCents: 12, shippingCents: 0, totalCents: 1220 },
  },
  {
    name: 'down truncates 57.5 and 11.5',
    settings: { taxRateBp: 500, feeRateBp: 100, roundingMode: 'down', shippingFlatCents: 0 },
    priceCents: 1150,
    quantity: 1,
    expected: { taxCents: 57, feeCents: 11, shippingCents: 0, totalCents: 1218 },
  },
  {
    name: 'flat shipping is added untaxed',
    settings: { taxRateBp: 800, feeRateBp: 50, roundingMode: 'half_up', shippingFlatCents: 499 },
    priceCents: 1999,
    quantity: 2,
    expected: { taxCents: 320, feeCents: 20, shippingCents: 499, totalCents: 4837 },
  },
];

describeEachStore('checkout pricing over HTTP', (store) => {
  const opened = useCheckoutApp(store);

  async function setPricing(tenant: string, settings: Settings) {
    const { app } = opened();
    const answer = await call<Settings>(
      app,
      admin(tenant),
      'PUT',
      '/api/admin/settings/pricing',
      settings,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual(settings);
  }

  async function createCoupon(tenant: string, coupon: Record<string, unknown>) {
    const answer = await call(opened().app, admin(tenant), 'POST', '/api/admin/coupons', coupon);
    expect(answer.status).toBe(201);
  }

  let keyCounter = 0;
  function order(tenant: string, lines: [ProductDto, number][], extra = {}) {
    keyCounter++;
    return placeOrder(opened().app, tenant, 'buyer', checkoutBody(lines, extra), `p-${keyCounter}`);
  }

  it.each(cases)('prices $name', async ({ settings, priceCents, quantity, expected }) => {
    const tenant = newTenantId();
    if (settings) await setPricing(tenant, settings);
    const [p] = await createProducts(opened().app, tenant, { priceCents });
    if (!p) throw new Error('no product');
    const placed = await order(tenant, [[p, quantity]]);
    expect(placed.status).toBe(201);
    const [only] = placed.body.data.orders;
    if (!only) throw new Error('no order');
    expect(only.totals).toEqual({
      subtotalCents: priceCents * quantity,
      discountCents: 0,
      adjustmentsTotalCents: expected.totalCents - priceCents * quantity,
      ...expected,
    });
    expect(only.adjustments.map((a) => [a.kind, a.amountCents, a.sourceType])).toEqual(
      [
        ['shipping', expected.shippingCents, 'tenant_settings'],
        ['tax', expected.taxCents, 'tenant_settings'],
        ['fee', expected.feeCents, 'tenant_settings'],
      ].filter(([, amount]) => amount !== 0),
    );
    expectTotalsAddUp(only);
  });

  it('refuses pricing settings from a non-admin with 403 and keeps the defaults', async () => {
    const tenant = newTenantId();
    const { app } = opened();
    const settings = { taxRateBp: 0, feeRateBp: 0, roundingMode: 'down', shippingFlatCents: 0 };
    const put = await call(
      app,
      { tenant, user: 'u' },
      'PUT',
      '/api/admin/settings/pricing',
      settings,
    );
    expect([put.status, put.body.error]).toEqual([403, 'FORBIDDEN']);
    const read = await call<Settings>(app, admin(tenant), 'GET', '/api/admin/settings/pricing');
    expect(read.body.data).toEqual({
      taxRateBp: 800,
      feeRateBp: 50,
      roundingMode: 'half_up',
      shippingFlatCents: 0,
    });
  });

  it('takes a percent coupon off the subtotal before tax and fee, whatever the case of its code', async () => {
    const tenant = newTenantId();
    await setPricing(tenant, {
      taxRateBp: 800,
      feeRateBp: 50,
      roundingMode: 'half_up',
      shippingFlatCents: 300,
    });
    await createCoupon(tenant, { code: 'Save10', kind: 'percent', percentBp: 1000 });
    const [p] = await createProducts(opened().app, tenant, { priceCents: 1999 });
    if (!p) throw new Error('no product');
    const placed = await order(tenant, [[p, 2]], { couponCode: 'sAvE10' });
    expect(placed.status).toBe(201);
    const [only] = placed.body.data.orders;
    if (!only) throw new Error('no order');
    // 3998 − 400 = 3598; tax 287.84 → 288; fee 17.99 → 18; + 300 shipping.
    expect(only.totals).toMatchObject({
      subtotalCents: 3998,
      discountCents: 400,
      taxCents: 288,
      feeCents: 18,
      shippingCents: 300,
      totalCents: 4204,
    });
    expect(only.couponCode).toBe('SAVE10');
    expect(only.adjustments[0]).toEqual({
      kind: 'discount',
      label: 'Coupon SAVE10',
      amountCents: -400,
      sourceType: 'coupon',
      sourceId: 'SAVE10',
    });
    expectTotalsAddUp(only);
  });

  it('clamps a fixed coupon larger than the subtotal: no tax, no fee, the total is the shipping', async () => {
    const tenant = newTenantId();
    await setPricing(tenant, {
      taxRateBp: 800,
      feeRateBp: 50,
      roundingMode: 'half_up',
      shippingFlatCents: 300,
    });
    await createCoupon(tenant, {
      code: 'BIG',
      kind: 'fixed',
      amountCents: 100_000,
      currency: 'USD',
    });
    const [p] = await createProducts(opened().app, tenant, { priceCents: 1999 });
    if (!p) throw new Error('no product');
    const placed = await order(tenant, [[p, 1]], { couponCode: 'big' });
    expect(placed.status).toBe(201);
    const [only] = placed.body.data.orders;
    if (!only) throw new Error('no order');
    expect(only.totals).toEqual({
      subtotalCents: 1999,
      discountCents: 1999,
      shippingCents: 300,
      taxCents: 0,
      feeCents: 0,
      adjustmentsTotalCents: -1699,
      totalCents: 300,
    });
    expect(only.adjustments.map((a) => [a.kind, a.amountCents])).toEqual([
      ['discount', -1999],
      ['shipping', 300],
    ]);
    expectTotalsAddUp(only);
  });

  it('shares one discount among the orders of a checkout so that the parts add up exactly', async () => {
    const tenant = newTenantId();
    await setPricing(tenant, {
      taxRateBp: 800,
      feeRateBp: 50,
      roundingMode: 'half_up',
      shippingFlatCents: 0,
    });
    await createCoupon(tenant, {
      code: 'SPLIT',
      kind: 'fixed',
      amountCents: 1001,
      currency: 'USD',
    });
    await createCoupon(tenant, { code: 'THIRD', kind: 'percent', percentBp: 3333 });
    const [brand, sellerA, sellerB] = await createProducts(
      opened().app,
      tenant,
      { sellerId: null, priceCents: 1000 },
      { sellerId: 'seller-a', priceCents: 3000 },
      { sellerId: 'seller-b', priceCents: 1 },
    );
    if (!brand || !sellerA || !sellerB) throw new Error('no products');
    const fixed = await order(
      tenant,
      [
        [brand, 1],
        [sellerA, 1],
      ],
      { couponCode: 'SPLIT' },
    );
    expect(fixed.status).toBe(201);
    // 1001 in proportion to 1000 : 3000 is 250.25 : 750.75; the spare cent goes to .75.
    expect(fixed.body.data.orders.map((o) => o.totals.discountCents)).toEqual([250, 751]);

    const percent = await order(
      tenant,
      [
        [brand, 1],
        [sellerA, 2],
        [sellerB, 1],
      ],
      { couponCode: 'THIRD' },
    );
    expect(percent.status).toBe(201);
    const discounts = percent.body.data.orders.map((o) => o.totals.discountCents);
    // 33.33% of 7001 = 2333.43 → 2333, shared 1000 : 6000 : 1.
    expect(discounts.reduce((a, b) => a + b, 0)).toBe(2333);
    expect(discounts).toEqual([333, 2000, 0]);
    for (const o of [...fixed.body.data.orders, ...percent.body.data.orders]) expectTotalsAddUp(o);
    const lastOrder = percent.body.data.orders[2];
    expect(lastOrder?.adjustments.some((a) => a.kind === 'discount')).toBe(false);
  });

  it('accepts a coupon whose minimum the subtotal meets exactly', async () => {
    const tenant = newTenantId();
    await createCoupon(tenant, {
      code: 'MIN50',
      kind: 'percent',
      percentBp: 500,
      minSubtotalCents: 5000,
    });
    const [p] = await createProducts(opened().app, tenant, { priceCents: 2500 });
    if (!p) throw new Error('no product');
    const placed = await order(tenant, [[p, 2]], { couponCode: 'MIN50' });
    expect(placed.status).toBe(201);
    expect(placed.body.data.orders[0]?.totals.discountCents).toBe(250);
  });

  it.each([
    { name: 'a coupon below its minimum', code: 'MIN50', error: 'COUPON_MINIMUM_NOT_MET' },
    { name: 'an expired coupon', code: 'OLD', error: 'COUPON_EXPIRED' },
    { name: 'a coupon not started yet', code: 'SOON', error: 'COUPON_EXPIRED' },
    { name: 'an inactive coupon', code: 'OFF', error: 'COUPON_EXPIRED' },
    { name: 'an unknown coupon', code: 'NOPE', error: 'COUPON_NOT_FOUND' },
    { name: 'a fixed coupon in another currency', code: 'EURO', error: 'COUPON_NOT_APPLICABLE' },
  ])('refuses $name with 422 $error and reserves nothing', async ({ code, error }) => {
    const tenant = newTenantId();
    // The test clock reads 2026-01-15T12:00:00Z.
    await createCoupon(tenant, {
      code: 'MIN50',
      kind: 'percent',
      percentBp: 500,
      minSubtotalCents: 5000,
    });
    await createCoupon(tenant, {
      code: 'OLD',
      kind: 'percent',
      percentBp: 500,
      expiresAt: '2026-01-15T12:00:00Z',
    });
    await createCoupon(tenant, {
      code: 'SOON',
      kind: 'percent',
      percentBp: 500,
      startsAt: '2026-01-15T12:00:01Z',
    });
    await createCoupon(tenant, { code: 'OFF', kind: 'percent', percentBp: 500, active: false });
    await createCoupon(tenant, { code: 'EURO', kind: 'fixed', amountCents: 100, currency: 'EUR' });
    const [p] = await createProducts(opened().app, tenant, { priceCents: 2499, onHand: 5 });
    if (!p) throw new Error('no product');
    const refused = await order(tenant, [[p, 2]], { couponCode: code });
    expect([refused.status, refused.body.error]).toEqual([422, error]);
    expect(refused.body.details).toMatchObject({ field: 'couponCode' });
    expect((await getProduct(opened().app, tenant, p.id)).reserved).toBe(0);
    expect(await tenantRowCounts(store().db, tenant)).toEqual(NO_ROWS);
  });

  it('refuses items in two currencies with 422 CURRENCY_MISMATCH and reserves nothing', async () => {
    const tenant = newTenantId();
    const [usd, eur] = await createProducts(
      opened().app,
      tenant,
      { currency: 'USD' },
      { currency: 'EUR', sellerId: 'seller-eu' },
    );
    if (!usd || !eur) throw new Error('no products');
    const refused = await order(tenant, [
      [usd, 1],
      [eur, 1],
    ]);
    expect([refused.status, refused.body.error]).toEqual([422, 'CURRENCY_MISMATCH']);
    expect((await getProduct(opened().app, tenant, usd.id)).reserved).toBe(0);
    expect(await tenantRowCounts(store().db, tenant)).toEqual(NO_ROWS);
  });

  it('answers a checkout too large to price exactly with a 4xx, not a 500', async () => {
    const tenant = newTenantId();
    const [p] = await createProducts(opened().app, tenant, {
      priceCents: 100_000_000_000,
      onHand: 1000,
    });
    if (!p) throw new Error('no product');
    // 10^11 × 200 = 2·10^13 cents: past the largest amount, so the line total is refused
    // before any rate is applied (× 800 bp it would be past 2^53, where applyRate throws).
    const refused = await order(tenant, [[p, 200]]);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      error: 'VALIDATION_FAILED',
      message: 'The line total is too large.',
      details: { field: 'items', variantId: p.id },
    });
    expect((await getProduct(opened().app, tenant, p.id)).reserved).toBe(0);
  });
});
