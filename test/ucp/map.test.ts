import { describe, expect, it } from 'vitest';
import { toCompleteInput, toUcpCheckout, toUpdateInput } from '../../src/channels/ucp/map.ts';
import { buildOrderDocument, toUcpOrder } from '../../src/channels/ucp/order-map.ts';
import { webhookUrlOf } from '../../src/channels/ucp/platform-profile.ts';
import { checkoutRequest, completeRequest } from '../../src/channels/ucp/requests.ts';
import { negotiateVersion, parseUcpAgent } from '../../src/channels/ucp/version.ts';
import type { CheckoutSession } from '../../src/domain/checkout-session/types.ts';
import type { Order } from '../../src/domain/order/types.ts';
import { expectUcp } from './support/schemas.ts';

const at = new Date('2026-06-01T10:00:00Z');

function session(patch: Partial<CheckoutSession> = {}): CheckoutSession {
  return {
    id: '01970000-0000-7000-8000-000000000001',
    tenantId: 't1',
    ownerId: 'ucp:anonymous',
    status: 'incomplete',
    currency: 'USD',
    lineItems: [
      {
        id: 'li_1',
        variantId: '01970000-0000-7000-8000-0000000000aa',
        sku: 'bouquet_roses',
        title: 'Bouquet of Red Roses',
        unitPriceCents: 3500,
        quantity: 1,
        sellerId: null,
        totals: { subtotalCents: 3500, discountCents: 350, totalCents: 3150 },
      },
    ],
    buyer: {
      email: 'a@example.com',
      firstName: 'Ann',
      consent: { marketing: true, analytics: false },
    },
    fulfillment: {
      methods: [
        {
          id: 'method_1',
          type: 'shipping',
          lineItemIds: ['li_1'],
          destinations: [
            {
              id: 'addr_1',
              streetAddress: '123 Main St',
              locality: 'Springfield',
              region: 'IL',
              postalCode: '62704',
              country: 'US',
            },
          ],
          selectedDestinationId: 'addr_1',
          groups: [
            {
              id: 'group_1',
              lineItemIds: ['li_1'],
              options: [
                {
                  id: 'std-ship',
                  title: 'Free Standard Shipping',
                  serviceLevel: 'standard',
                  amountCents: 0,
                  listAmountCents: 500,
                },
                {
                  id: 'exp-ship-us',
                  title: 'Express Shipping (US)',
                  serviceLevel: 'express',
                  amountCents: 1500,
                  listAmountCents: 1500,
                },
              ],
              selectedOptionId: 'std-ship',
            },
          ],
        },
      ],
    },
    billingAddress: null,
    paymentInstruments: [
      {
        id: 'instr_1',
        handlerId: 'mock_payment_handler',
        type: 'card',
        display: { brand: 'Visa' },
        credential: { type: 'token', token: 'success_token' },
      },
    ],
    discountCodes: ['10OFF', 'NOPE'],
    appliedDiscounts: [{ code: '10OFF', title: '10% Off', amountCents: 350, kind: 'percent' }],
    messages: [
      {
        type: 'warning',
        code: 'discount_code_invalid',
        path: '$.discounts.codes[1]',
        content: 'Discount code NOPE is not valid.',
      },
      { type: 'error', code: 'out_of_stock', path: '$.line_items[0]', content: 'Out of stock.' },
    ],
    totals: {
      subtotalCents: 3500,
      discountCents: 350,
      fulfillmentCents: 0,
      taxCents: 0,
      feeCents: 0,
      totalCents: 3150,
    },
    links: [],
    continueUrl: null,
    metadata: {},
    checkoutId: null,
    orders: [],
    nextLineNo: 2,
    createdAt: at,
    updatedAt: at,
    expiresAt: new Date('2026-06-02T10:00:00Z'),
    version: 3,
    ...patch,
  };
}

describe('UCP-Agent and version negotiation', () => {
  it('reads the profile and the version in both placements', () => {
    expect(parseUcpAgent('profile="https://p.example/x.json"; version="2026-04-08"')).toEqual({
      profile: 'https://p.example/x.json',
      version: '2026-04-08',
    });
    expect(parseUcpAgent('profile="...", version="2099-01-01"')?.version).toBe('2099-01-01');
    expect(parseUcpAgent(undefined)).toEqual({});
    expect(parseUcpAgent('profile=(')).toBeNull();
    expect(negotiateVersion({ version: '2099-01-01' }).ok).toBe(false);
    expect(negotiateVersion({ version: '2026-01-11' }).ok).toBe(false);
    expect(negotiateVersion({}).ok).toBe(true);
  });

  it('finds the order webhook URL in a platform profile', () => {
    const url = 'http://localhost:8284/webhooks/partners/test_partner/events/order';
    const profile = {
      ucp: {
        capabilities: {
          'dev.ucp.shopping.order': [{ version: '2026-04-08', config: { webhook_url: url } }],
        },
      },
    };
    expect(webhookUrlOf(profile)).toBe(url);
    expect(webhookUrlOf({ ucp: {} })).toBeNull();
    expect(webhookUrlOf(null)).toBeNull();
  });
});

describe('UCP requests to our inputs', () => {
  it('drops response-only fields and foreign line ids, and maps the non-spec address keys', () => {
    const request = checkoutRequest.parse({
      id: 'client-id',
      status: 'incomplete',
      ucp: { version: '2026-04-08' },
      totals: [],
      links: [],
      line_items: [
        { id: 'line_item_123', item: { id: 'bouquet_roses', price: 1 }, quantity: 2, totals: [] },
      ],
      payment: { instruments: [], handlers: [{ id: 'google_pay' }] },
      buyer: {
        fullName: 'John Doe',
        email: 'john.doe@example.com',
        consent: { sale_of_data: false },
      },
      fulfillment: {
        methods: [
          {
            id: 'method_1',
            type: 'shipping',
            line_item_ids: ['line_item_123'],
            destinations: [
              {
                id: 'dest_1',
                street_address: '123 Market St',
                locality: 'San Francisco',
                region: 'CA',
                postal_code: '94105',
                address_country: 'US',
              },
            ],
            selected_destination_id: 'dest_1',
            groups: [
              {
                id: 'group_1',
                line_item_ids: ['x'],
                selected_option_id: 'std-ship',
                options: [{ id: 'std-ship' }],
              },
            ],
          },
        ],
      },
      discounts: { codes: ['10off'], applied: [{ code: 'X', title: 'x', amount: 1 }] },
    });
    expect(toUpdateInput(request, null)).toEqual({
      lineItems: [{ sku: 'bouquet_roses', quantity: 2 }],
      buyer: {
        email: 'john.doe@example.com',
        fullName: 'John Doe',
        consent: { saleOfData: false },
      },
      fulfillment: {
        methods: [
          {
            id: 'method_1',
            type: 'shipping',
            destinations: [
              {
                id: 'dest_1',
                streetAddress: '123 Market St',
                locality: 'San Francisco',
                region: 'CA',
                postalCode: '94105',
                country: 'US',
              },
            ],
            selectedDestinationId: 'dest_1',
            groups: [{ id: 'group_1', selectedOptionId: 'std-ship' }],
          },
        ],
      },
      paymentInstruments: [],
      discountCodes: ['10off'],
    });
  });

  it('keeps the id of a line the session has, and replaces absent fields with empty ones (PUT)', () => {
    const request = checkoutRequest.parse({
      line_items: [{ id: 'li_1', item: { id: 'bouquet_roses' }, quantity: 3 }],
    });
    expect(toUpdateInput(request, session())).toEqual({
      lineItems: [{ id: 'li_1', sku: 'bouquet_roses', quantity: 3 }],
      buyer: null,
      fulfillment: null,
      paymentInstruments: [],
      discountCodes: [],
    });
  });

  it('reads a completion payment, keeping only a whole billing address', () => {
    const request = completeRequest.parse({
      payment: {
        instruments: [
          {
            id: 'instr_1',
            handler_id: 'mock_payment_handler',
            type: 'card',
            display: { brand: 'Visa', last_digits: '1234' },
            credential: { type: 'token', token: 'success_token' },
            billing_address: {
              street_address: '123 Main St',
              address_locality: 'Springfield',
              address_region: 'IL',
              address_country: 'US',
              postal_code: '62704',
            },
          },
          { id: 'instr_2', handler_id: 'h', type: 'card', billing_address: { postal_code: '1' } },
        ],
      },
      risk_signals: {},
    });
    const input = toCompleteInput(request);
    expect(input.paymentInstruments?.[0]?.billingAddress).toEqual({
      streetAddress: '123 Main St',
      locality: 'Springfield',
      region: 'IL',
      postalCode: '62704',
      country: 'US',
    });
    expect(input.paymentInstruments?.[1]).not.toHaveProperty('billingAddress');
    expect(completeRequest.safeParse({ risk_signals: {} }).success).toBe(false);
  });
});

describe('our session as a UCP checkout', () => {
  const options = { baseUrl: 'https://shop.example', paymentHandlerId: 'mock_payment_handler' };

  it('is a valid checkout: one subtotal, one total, negative discounts, instruments without credentials', () => {
    const checkout = toUcpCheckout(session(), options);
    expectUcp('checkout', checkout);
    expect(checkout.totals).toEqual([
      { type: 'subtotal', amount: 3500 },
      { type: 'discount', amount: -350 },
      { type: 'fulfillment', amount: 0 },
      { type: 'total', amount: 3150 },
    ]);
    expect(checkout.payment.instruments[0]).not.toHaveProperty('credential');
    expect(checkout.fulfillment.methods[0]?.groups[0]?.options[0]?.totals).toEqual([
      { type: 'subtotal', amount: 500 },
      { type: 'discount', amount: -500 },
      { type: 'total', amount: 0 },
    ]);
    expect(checkout.messages[1]).toMatchObject({
      type: 'error',
      code: 'out_of_stock',
      severity: 'recoverable',
    });
    expect(checkout.buyer?.consent).toEqual({ marketing: true, analytics: false });
    expect(checkout.discounts.applied).toEqual([{ code: '10OFF', title: '10% Off', amount: 350 }]);
  });

  it('carries the order once completed, with an absolute permalink; no fulfillment total before an option', () => {
    const completed = session({
      status: 'completed',
      orders: [
        {
          id: '01970000-0000-7000-8000-0000000000bb',
          orderNumber: 'N1',
          status: 'paid',
          totalCents: 3150,
        },
      ],
    });
    const checkout = toUcpCheckout(completed, options);
    expectUcp('checkout', checkout);
    expect(checkout.order?.permalink_url).toBe(
      'https://shop.example/orders/01970000-0000-7000-8000-0000000000bb',
    );
    const bare = toUcpCheckout(session({ fulfillment: { methods: [] }, buyer: null }), options);
    expectUcp('checkout', bare);
    expect(bare.totals.map((t) => t.type)).toEqual(['subtotal', 'discount', 'total']);
  });

  it('builds the UCP order, with a shipped event once our order ships', () => {
    const s = session();
    const order = {
      id: '01970000-0000-7000-8000-0000000000bb',
      orderNumber: 'N1',
      status: 'paid',
      currency: 'USD',
      items: [{ variantId: s.lineItems[0]?.variantId }],
      totals: {
        subtotalCents: 3500,
        discountCents: 350,
        shippingCents: 0,
        taxCents: 0,
        feeCents: 0,
        adjustmentsTotalCents: 0,
        totalCents: 3150,
      },
      updatedAt: at,
    } as unknown as Order;
    const document = buildOrderDocument(s, order);
    const paid = toUcpOrder(order, document, 'https://shop.example');
    expectUcp('order', paid);
    expect(paid.checkout_id).toBe(s.id);
    expect(paid.fulfillment.events).toEqual([]);
    expect(paid.fulfillment.expectations[0]).toMatchObject({
      description: 'Free Standard Shipping',
      destination: { address_country: 'US', street_address: '123 Main St' },
    });
    const shipped = toUcpOrder({ ...order, status: 'shipped' }, document, 'https://shop.example');
    expectUcp('order', shipped);
    expect(shipped.fulfillment.events.map((e) => e.type)).toEqual(['shipped']);
    expect(shipped.line_items[0]).toMatchObject({
      status: 'fulfilled',
      quantity: { total: 1, fulfilled: 1 },
    });
  });
});
