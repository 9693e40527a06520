import { describe, expect, it } from 'vitest';
import { buildCheckoutOrders, type CheckoutDraft } from '../../src/domain/checkout/build-orders.ts';
import { DEFAULT_PRICING } from '../../src/domain/pricing/settings.ts';
import { ADDRESS, makeVariant } from '../support/fixtures.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const T = 'tenant-b';
const brandTee = makeVariant(T, { sku: 'TEE', name: 'Tee', priceCents: 2000, sellerId: null });
const sellerMug = makeVariant(T, { sku: 'MUG', name: 'Mug', priceCents: 1000, sellerId: 's-1' });
const sellerCap = makeVariant(T, { sku: 'CAP', name: 'Cap', priceCents: 500, sellerId: 's-1' });

function draft(over: Partial<CheckoutDraft> = {}): CheckoutDraft {
  let id = 0;
  let number = 0;
  return {
    checkoutId: 'co-1',
    tenantId: T,
    // Seller lines first: the split puts the brand order first whatever the line order.
    lines: [
      { variant: sellerMug, quantity: 1 },
      { variant: brandTee, quantity: 3 },
      { variant: sellerCap, quantity: 2 },
    ],
    currency: 'USD',
    settings: { ...DEFAULT_PRICING, taxRateBp: 1000, feeRateBp: 0, shippingFlatCents: 400 },
    discount: null,
    shippingAddress: ADDRESS,
    customer: { userId: 'ana', email: 'ana@example.com', name: 'Ana' },
    paymentMethod: 'card',
    now: NOW,
    newId: () => `order-${++id}`,
    newOrderNumber: () => `N-${++number}`,
    ...over,
  };
}

const tax = (amountCents: number) => ({
  kind: 'tax',
  label: 'Tax 10%',
  amountCents,
  sourceType: 'tenant_settings',
  sourceId: null,
});
const shipping = (amountCents: number) => ({
  kind: 'shipping',
  label: 'Shipping',
  amountCents,
  sourceType: 'tenant_settings',
  sourceId: null,
});

describe('buildCheckoutOrders', () => {
  it('makes one pending order per seller with snapshots of what was bought', () => {
    const orders = buildCheckoutOrders(draft());
    expect(orders).toEqual([
      {
        id: 'order-1',
        tenantId: T,
        orderNumber: 'N-1',
        checkoutId: 'co-1',
        userId: 'ana',
        sellerId: null,
        orderSource: 'brand',
        status: 'pending',
        currency: 'USD',
        items: [
          {
            variantId: brandTee.id,
            sku: 'TEE',
            name: 'Tee',
            unitPriceCents: 2000,
            quantity: 3,
            lineTotalCents: 6000,
          },
        ],
        adjustments: [shipping(400), tax(600)],
        totals: {
          subtotalCents: 6000,
          discountCents: 0,
          shippingCents: 400,
          taxCents: 600,
          feeCents: 0,
          adjustmentsTotalCents: 1000,
          totalCents: 7000,
        },
        shippingAddress: ADDRESS,
        customer: { userId: 'ana', email: 'ana@example.com', name: 'Ana' },
        paymentMethod: 'card',
        couponCode: null,
        version: 1,
        createdAt: NOW,
        updatedAt: NOW,
      },
      {
        id: 'order-2',
        tenantId: T,
        orderNumber: 'N-2',
        checkoutId: 'co-1',
        userId: 'ana',
        sellerId: 's-1',
        orderSource: 'seller',
        status: 'pending',
        currency: 'USD',
        items: [
          {
            variantId: sellerMug.id,
            sku: 'MUG',
            name: 'Mug',
            unitPriceCents: 1000,
            quantity: 1,
            lineTotalCents: 1000,
          },
          {
            variantId: sellerCap.id,
            sku: 'CAP',
            name: 'Cap',
            unitPriceCents: 500,
            quantity: 2,
            lineTotalCents: 1000,
          },
        ],
        adjustments: [shipping(400), tax(200)],
        totals: {
          subtotalCents: 2000,
          discountCents: 0,
          shippingCents: 400,
          taxCents: 200,
          feeCents: 0,
          adjustmentsTotalCents: 600,
          totalCents: 2600,
        },
        shippingAddress: ADDRESS,
        customer: { userId: 'ana', email: 'ana@example.com', name: 'Ana' },
        paymentMethod: 'card',
        couponCode: null,
        version: 1,
        createdAt: NOW,
        updatedAt: NOW,
      },
    ]);
  });

  it('shares the discount among the orders in proportion to their subtotals', () => {
    // 6000 and 2000: a 1001 discount splits 750.75 / 250.25, so 751 / 250.
    const orders = buildCheckoutOrders(
      draft({ discount: { amountCents: 1001, couponCode: 'SAVE' } }),
    );
    expect(orders.map((o) => o.couponCode)).toEqual(['SAVE', 'SAVE']);
    expect(orders.map((o) => o.adjustments[0])).toEqual([
      {
        kind: 'discount',
        label: 'Coupon SAVE',
        amountCents: -751,
        sourceType: 'coupon',
        sourceId: 'SAVE',
      },
      {
        kind: 'discount',
        label: 'Coupon SAVE',
        amountCents: -250,
        sourceType: 'coupon',
        sourceId: 'SAVE',
      },
    ]);
    expect(
      orders.map((o) => [o.totals.discountCents, o.totals.taxCents, o.totals.totalCents]),
    ).toEqual([
      [751, 525, 6000 - 751 + 400 + 525],
      [250, 175, 2000 - 250 + 400 + 175],
    ]);
  });

  it('writes no discount row on an order whose share rounds to nothing', () => {
    const orders = buildCheckoutOrders(draft({ discount: { amountCents: 1, couponCode: 'ONE' } }));
    expect(orders.map((o) => o.totals.discountCents)).toEqual([1, 0]);
    expect(orders.map((o) => o.adjustments.map((a) => a.kind))).toEqual([
      ['discount', 'shipping', 'tax'],
      ['shipping', 'tax'],
    ]);
    expect(orders.map((o) => o.couponCode)).toEqual(['ONE', 'ONE']);
  });

  it('shares a checkout-wide shipping like the discount instead of the flat rate', () => {
    const orders = buildCheckoutOrders(draft({ shippingCents: 999 }));
    expect(orders.map((o) => o.totals.shippingCents)).toEqual([749, 250]);
    const free = buildCheckoutOrders(draft({ shippingCents: 0 }));
    expect(free.map((o) => o.totals.shippingCents)).toEqual([0, 0]);
    expect(free.map((o) => o.adjustments.map((a) => a.kind))).toEqual([['tax'], ['tax']]);
  });

  it('makes no order for no lines', () => {
    expect(buildCheckoutOrders(draft({ lines: [] }))).toEqual([]);
  });
});
