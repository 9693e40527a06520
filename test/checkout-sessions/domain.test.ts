import { describe, expect, it } from 'vitest';
import { shippingOptionsFor } from '../../src/domain/checkout-session/merchant.ts';
import { priceSession } from '../../src/domain/checkout-session/pricing.ts';
import {
  checkoutSessionLifecycle,
  deriveStatus,
  missingFieldMessages,
} from '../../src/domain/checkout-session/status.ts';
import type {
  CheckoutMessage,
  CheckoutSession,
  CheckoutSessionStatus,
} from '../../src/domain/checkout-session/types.ts';
import { DEFAULT_PRICING } from '../../src/domain/pricing/settings.ts';

const LINE = {
  id: 'li_1',
  variantId: 'v',
  sku: 's',
  title: 't',
  unitPriceCents: 100,
  quantity: 1,
  sellerId: null,
  totals: { subtotalCents: 100, discountCents: 0, totalCents: 100 },
};
const DEST = {
  id: 'd1',
  streetAddress: '1 A St',
  locality: 'X',
  postalCode: '1',
  country: 'US',
};
const INSTRUMENT = { id: 'i', handlerId: 'h', type: 'card' };

function data(has: { lines: boolean; email: boolean; address: boolean; payment: boolean }) {
  return {
    lineItems: has.lines ? [LINE] : [],
    buyer: has.email ? { email: 'a@example.com' } : { firstName: 'A' },
    fulfillment: {
      methods: [
        {
          id: 'm',
          type: 'shipping' as const,
          lineItemIds: [],
          destinations: [DEST],
          selectedDestinationId: has.address ? 'd1' : null,
          groups: [],
        },
      ],
    },
    paymentInstruments: has.payment ? [INSTRUMENT] : [],
  } satisfies Pick<CheckoutSession, 'lineItems' | 'buyer' | 'fulfillment' | 'paymentInstruments'>;
}

describe('derivation table', () => {
  const fields = ['lines', 'email', 'address', 'payment'] as const;
  const codeOf = {
    lines: 'missing_line_items',
    email: 'missing_buyer_email',
    address: 'missing_shipping_address',
    payment: 'missing_payment',
  };
  for (let mask = 0; mask < 16; mask++) {
    const has = {
      lines: (mask & 1) > 0,
      email: (mask & 2) > 0,
      address: (mask & 4) > 0,
      payment: (mask & 8) > 0,
    };
    const missing = fields.filter((f) => !has[f]);
    const expected: CheckoutSessionStatus =
      missing.length === 0 ? 'ready_for_complete' : 'incomplete';
    it(`missing [${missing.join(', ') || 'nothing'}] → ${expected}`, () => {
      const messages = missingFieldMessages(data(has));
      expect(messages.map((m) => m.code)).toEqual(missing.map((f) => codeOf[f]));
      expect(messages.every((m) => m.type === 'warning' && m.path?.startsWith('$.'))).toBe(true);
      expect(deriveStatus(messages)).toBe(expected);
      const escalated: CheckoutMessage[] = [
        ...messages,
        { type: 'error', code: 'age_check', content: 'x', severity: 'requires_buyer_input' },
      ];
      expect(deriveStatus(escalated)).toBe('requires_escalation');
    });
  }

  it('an error message keeps a complete session from being ready', () => {
    const error: CheckoutMessage = {
      type: 'error',
      code: 'out_of_stock',
      path: '$.line_items[0]',
      content: 'x',
      severity: 'recoverable',
    };
    expect(deriveStatus([error])).toBe('incomplete');
  });
});

describe('transition table', () => {
  const all = checkoutSessionLifecycle.states;
  it('makes completed and canceled final', () => {
    for (const to of all) {
      for (const from of ['completed', 'canceled'] as const) {
        const result = checkoutSessionLifecycle.check(from, to);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error.details).toMatchObject({ from, to });
      }
    }
  });
  it('lets every non-final status be canceled, and only ready_for_complete start completing', () => {
    for (const from of all.filter((s) => s !== 'completed' && s !== 'canceled')) {
      expect(checkoutSessionLifecycle.check(from, 'canceled').ok).toBe(true);
      expect(checkoutSessionLifecycle.check(from, 'complete_in_progress').ok).toBe(
        from === 'ready_for_complete',
      );
      expect(checkoutSessionLifecycle.check(from, 'completed').ok).toBe(
        from === 'complete_in_progress',
      );
    }
  });
});

describe('shipping options', () => {
  const rates = [
    {
      tenantId: 't',
      id: 'std',
      countryCode: 'default',
      serviceLevel: 'standard',
      priceCents: 500,
      title: 'Standard',
    },
    {
      tenantId: 't',
      id: 'exp-us',
      countryCode: 'US',
      serviceLevel: 'express',
      priceCents: 1500,
      title: 'Express US',
    },
    {
      tenantId: 't',
      id: 'exp-intl',
      countryCode: 'default',
      serviceLevel: 'express',
      priceCents: 2500,
      title: 'Intl',
    },
  ];
  const promo = {
    tenantId: 't',
    id: 'p',
    type: 'free_shipping' as const,
    minSubtotalCents: 10000,
    eligibleSkus: ['rose'],
    description: '',
  };
  it('prefers the country’s own rate per service level', () => {
    const us = shippingOptionsFor({
      country: 'us',
      rates,
      promotions: [],
      subtotalCents: 0,
      skus: [],
    });
    expect(us.map((o) => o.id)).toEqual(['std', 'exp-us']);
    const ca = shippingOptionsFor({
      country: 'CA',
      rates,
      promotions: [],
      subtotalCents: 0,
      skus: [],
    });
    expect(ca.map((o) => o.id)).toEqual(['std', 'exp-intl']);
  });
  it('frees the standard option at the threshold or for an eligible product only', () => {
    const at = shippingOptionsFor({
      country: 'US',
      rates,
      promotions: [promo],
      subtotalCents: 10000,
      skus: [],
    });
    expect(at[0]).toMatchObject({ id: 'std', amountCents: 0, title: 'Free Standard' });
    expect(at[1]?.amountCents).toBe(1500);
    const below = shippingOptionsFor({
      country: 'US',
      rates,
      promotions: [promo],
      subtotalCents: 9999,
      skus: ['pot'],
    });
    expect(below[0]?.amountCents).toBe(500);
    const rose = shippingOptionsFor({
      country: 'US',
      rates,
      promotions: [promo],
      subtotalCents: 1,
      skus: ['rose'],
    });
    expect(rose[0]?.amountCents).toBe(0);
  });
});

describe('session pricing', () => {
  it('sums per-seller orders priced by priceOrder, sharing discount and shipping', () => {
    const { totals, lineTotals } = priceSession({
      lines: [
        { unitPriceCents: 1000, quantity: 1, sellerId: null },
        { unitPriceCents: 333, quantity: 3, sellerId: 's1' },
      ],
      discountCents: 200,
      shippingCents: 501,
      settings: DEFAULT_PRICING,
    });
    // Orders: brand 1000 (discount 100, shipping 251), seller 999 (discount 100, shipping 250).
    // Tax 8% of 900 = 72, of 899 = 71.92 → 72; fee 0.5% of 900 = 4.5 → 5, of 899 = 4.495 → 4.
    expect(totals).toEqual({
      subtotalCents: 1999,
      discountCents: 200,
      fulfillmentCents: 501,
      taxCents: 144,
      feeCents: 9,
      totalCents: 1999 - 200 + 501 + 144 + 9,
    });
    expect(lineTotals.map((l) => l.discountCents)).toEqual([100, 100]);
  });
});
