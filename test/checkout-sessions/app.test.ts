import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type {
  PostalAddressInput,
  UpdateCheckoutSessionInput,
} from '../../src/domain/checkout-session/inputs.ts';
import type { CheckoutSession } from '../../src/domain/checkout-session/types.ts';
import { DECLINE, FRAUD, failure, HOME, must, SUCCESS, seedShop, TORONTO } from './fixtures.ts';
import { adminCtx, agentCtx, describeEachSessionStore, newTenantId } from './support.ts';

/** A shipping method with this one destination selected, and the given option. */
function shipTo(address: PostalAddressInput, optionId?: string): UpdateCheckoutSessionInput {
  return {
    fulfillment: {
      methods: [
        {
          type: 'shipping',
          destinations: [{ id: 'dest_1', ...address }],
          selectedDestinationId: 'dest_1',
          ...(optionId ? { groups: [{ selectedOptionId: optionId }] } : {}),
        },
      ],
    },
  };
}

const codes = (session: CheckoutSession) => session.messages.map((m) => m.code).sort();
const options = (session: CheckoutSession) =>
  session.fulfillment.methods[0]?.groups[0]?.options ?? [];

describeEachSessionStore('agent checkout sessions', (harness) => {
  describe('status and messages', () => {
    it('names each missing field and becomes ready once all are there', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      const ctx = agentCtx(tenant);
      let s = must(await system.checkoutSessions.create(ctx, {}));
      expect(s.status).toBe('incomplete');
      expect(codes(s)).toEqual([
        'missing_buyer_email',
        'missing_line_items',
        'missing_payment',
        'missing_shipping_address',
      ]);
      s = must(
        await system.checkoutSessions.update(ctx, s.id, {
          lineItems: [{ sku: 'pot_ceramic', quantity: 2 }],
        }),
      );
      expect(codes(s)).toEqual([
        'missing_buyer_email',
        'missing_payment',
        'missing_shipping_address',
      ]);
      s = must(
        await system.checkoutSessions.update(ctx, s.id, { buyer: { email: 'a@example.com' } }),
      );
      s = must(await system.checkoutSessions.update(ctx, s.id, shipTo(HOME)));
      expect(s.status).toBe('incomplete');
      expect(codes(s)).toEqual(['missing_payment']);
      s = must(await system.checkoutSessions.update(ctx, s.id, { paymentInstruments: [SUCCESS] }));
      expect(s.status).toBe('ready_for_complete');
      expect(s.messages).toEqual([]);
      // Taking the e-mail away goes back.
      s = must(await system.checkoutSessions.update(ctx, s.id, { buyer: { firstName: 'A' } }));
      expect(s.status).toBe('incomplete');
      expect(codes(s)).toEqual(['missing_buyer_email']);
    });

    it('prices lines from the catalog and flags an out-of-stock line with its path', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      const s = must(
        await system.checkoutSessions.create(agentCtx(tenant), {
          lineItems: [
            { sku: 'pot_ceramic', quantity: 1 },
            { sku: 'gardenias', quantity: 1 },
          ],
          buyer: { email: 'a@example.com' },
          paymentInstruments: [SUCCESS],
          ...shipTo(HOME),
        }),
      );
      expect(s.lineItems.map((l) => [l.id, l.sku, l.unitPriceCents])).toEqual([
        ['li_1', 'pot_ceramic', 1500],
        ['li_2', 'gardenias', 2000],
      ]);
      const error = s.messages.find((m) => m.type === 'error');
      expect(error).toMatchObject({
        code: 'out_of_stock',
        path: '$.line_items[1]',
        severity: 'recoverable',
      });
      expect(s.status).toBe('incomplete');
    });

    it('refuses an unknown product, naming it', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      const error = failure(
        await system.checkoutSessions.create(agentCtx(tenant), {
          lineItems: [{ sku: 'pink_wumpus', quantity: 1 }],
        }),
      );
      expect(error.code).toBe('VARIANT_NOT_FOUND');
      expect(error.message).toContain('not found');
      expect(error.details).toMatchObject({ field: 'lineItems.0', sku: 'pink_wumpus' });
    });

    it('is invisible to another tenant and to another buyer', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      const s = must(await system.checkoutSessions.create(agentCtx(tenant), {}));
      expect(failure(await system.checkoutSessions.get(agentCtx(newTenantId()), s.id)).code).toBe(
        'CHECKOUT_SESSION_NOT_FOUND',
      );
      expect(failure(await system.checkoutSessions.get(agentCtx(tenant, 'other'), s.id)).code).toBe(
        'CHECKOUT_SESSION_NOT_FOUND',
      );
      expect(must(await system.checkoutSessions.get(adminCtx(tenant), s.id)).id).toBe(s.id);
    });
  });

  describe('shipping, promotions, discounts, tax and fee', () => {
    it('offers the country’s rates and totals shipping, tax (8%) and fee (0.5%)', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      const ctx = agentCtx(tenant);
      let s = must(
        await system.checkoutSessions.create(ctx, {
          lineItems: [{ sku: 'pot_ceramic', quantity: 1 }],
          ...shipTo(HOME),
        }),
      );
      expect(options(s).map((o) => [o.id, o.amountCents])).toEqual([
        ['std-ship', 500],
        ['exp-ship-us', 1500],
      ]);
      s = must(await system.checkoutSessions.update(ctx, s.id, shipTo(HOME, 'std-ship')));
      expect(s.totals).toEqual({
        subtotalCents: 1500,
        discountCents: 0,
        fulfillmentCents: 500,
        taxCents: 120,
        feeCents: 8, // 7.5 rounded half up
        totalCents: 2128,
      });
      s = must(await system.checkoutSessions.update(ctx, s.id, shipTo(TORONTO, 'exp-ship-intl')));
      expect(options(s).map((o) => o.id)).toEqual(['std-ship', 'exp-ship-intl']);
      expect(s.totals.fulfillmentCents).toBe(2500);
    });

    it('makes standard shipping free over the threshold and for an eligible product', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      const ctx = agentCtx(tenant);
      const over = must(
        await system.checkoutSessions.create(ctx, {
          lineItems: [{ sku: 'pot_ceramic', quantity: 7 }],
          ...shipTo(HOME, 'std-ship'),
        }),
      );
      const free = options(over).find((o) => o.id === 'std-ship');
      expect(free).toMatchObject({ amountCents: 0, listAmountCents: 500, promotionId: 'promo_1' });
      expect(free?.title).toContain('Free');
      expect(over.totals.fulfillmentCents).toBe(0);
      const roses = must(
        await system.checkoutSessions.create(ctx, {
          lineItems: [{ sku: 'bouquet_roses', quantity: 1 }],
          ...shipTo(HOME, 'std-ship'),
        }),
      );
      expect(options(roses).find((o) => o.id === 'std-ship')?.promotionId).toBe('promo_2');
      const under = must(
        await system.checkoutSessions.create(ctx, {
          lineItems: [{ sku: 'pot_ceramic', quantity: 6 }],
          ...shipTo(HOME, 'std-ship'),
        }),
      );
      expect(under.totals.fulfillmentCents).toBe(500);
    });

    it('applies percentage and fixed codes on the subtotal, ignores unknown ones', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant, { taxFree: true });
      const ctx = agentCtx(tenant);
      let s = must(
        await system.checkoutSessions.create(ctx, {
          lineItems: [{ sku: 'bouquet_roses', quantity: 1 }],
          discountCodes: ['10off'],
        }),
      );
      expect(s.appliedDiscounts).toEqual([
        { code: '10OFF', title: '10% off', amountCents: 350, kind: 'percent' },
      ]);
      expect(s.totals).toMatchObject({ subtotalCents: 3500, discountCents: 350, totalCents: 3150 });
      s = must(
        await system.checkoutSessions.update(ctx, s.id, {
          discountCodes: ['10OFF', 'WELCOME20', 'FIXED500', 'INVALID_CODE'],
        }),
      );
      expect(s.appliedDiscounts.map((d) => [d.code, d.amountCents])).toEqual([
        ['10OFF', 350],
        ['WELCOME20', 700],
        ['FIXED500', 500],
      ]);
      expect(s.totals.discountCents).toBe(1550);
      expect(s.messages.find((m) => m.code === 'discount_code_invalid')?.path).toBe(
        '$.discounts.codes[3]',
      );
      expect(s.lineItems[0]?.totals).toEqual({
        subtotalCents: 3500,
        discountCents: 1550,
        totalCents: 1950,
      });
      s = must(await system.checkoutSessions.update(ctx, s.id, { discountCodes: [] }));
      expect(s.totals.totalCents).toBe(3500);
    });

    it('taxes the discounted subtotal, not the shipping', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      const s = must(
        await system.checkoutSessions.create(agentCtx(tenant), {
          lineItems: [{ sku: 'pot_ceramic', quantity: 1 }],
          discountCodes: ['10OFF'],
          ...shipTo(HOME, 'std-ship'),
        }),
      );
      // 1500 − 150 = 1350 taxable: tax 108, fee 6.75 → 7; shipping 500 untaxed.
      expect(s.totals).toEqual({
        subtotalCents: 1500,
        discountCents: 150,
        fulfillmentCents: 500,
        taxCents: 108,
        feeCents: 7,
        totalCents: 1965,
      });
    });
  });

  describe('address book', () => {
    it('offers a known buyer’s saved addresses and recognises an equal address', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      const ctx = agentCtx(tenant);
      let s = must(
        await system.checkoutSessions.create(ctx, {
          lineItems: [{ sku: 'pot_ceramic', quantity: 1 }],
          buyer: { email: 'John.Doe@example.com', fullName: 'John Doe' },
          fulfillment: { methods: [{ type: 'shipping' }] },
        }),
      );
      const method = s.fulfillment.methods[0];
      expect(method?.destinations.map((d) => d.id)).toEqual(['addr_1', 'addr_2']);
      expect(method?.selectedDestinationId).toBeNull();
      s = must(
        await system.checkoutSessions.update(ctx, s.id, {
          fulfillment: {
            methods: [{ id: method?.id, type: 'shipping', selectedDestinationId: 'addr_2' }],
          },
        }),
      );
      expect(s.fulfillment.methods[0]?.destinations.find((d) => d.id === 'addr_2')).toMatchObject({
        streetAddress: '456 Oak Ave',
        postalCode: '10012',
      });
      s = must(
        await system.checkoutSessions.update(ctx, s.id, {
          fulfillment: {
            methods: [{ type: 'shipping', destinations: [{ id: '', ...HOME }] }],
          },
        }),
      );
      expect(s.fulfillment.methods[0]?.destinations.map((d) => d.id)).toEqual(['addr_1']);
    });

    it('injects nothing for a known buyer without addresses or an unknown buyer', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      for (const email of ['jane.doe@example.com', 'nobody@example.com']) {
        const s = must(
          await system.checkoutSessions.create(agentCtx(tenant), {
            buyer: { email },
            fulfillment: { methods: [{ type: 'shipping' }] },
          }),
        );
        expect(s.fulfillment.methods[0]?.destinations).toEqual([]);
      }
    });
  });

  describe('completion', () => {
    async function readySession(tenant: string, extra: UpdateCheckoutSessionInput = {}) {
      const { system } = harness();
      return must(
        await system.checkoutSessions.create(agentCtx(tenant), {
          lineItems: [{ sku: 'pot_ceramic', quantity: 2 }],
          buyer: { email: 'buyer@example.com', firstName: 'Bo', lastName: 'Buyer' },
          paymentInstruments: [SUCCESS],
          ...shipTo(HOME, 'std-ship'),
          ...extra,
        }),
      );
    }

    async function ordersOf(tenant: string) {
      const { sql: store } = harness();
      const { rows } = await sql<{ id: string; status: string; total_cents: number }>`
        SELECT id, status, total_cents FROM orders WHERE tenant_id = ${tenant}`.execute(store.db);
      return rows;
    }

    it('places the order once, pays it and commits the stock', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      const { pot } = await seedShop(system, tenant);
      const s = await readySession(tenant);
      expect(s.status).toBe('ready_for_complete');
      const done = must(await system.checkoutSessions.complete(agentCtx(tenant), s.id));
      expect(done.session.status).toBe('completed');
      expect(done.orders).toHaveLength(1);
      expect(done.orders[0]).toMatchObject({ status: 'paid', currency: 'USD' });
      expect(done.orders[0]?.totals.totalCents).toBe(s.totals.totalCents);
      expect(done.session.orders[0]?.id).toBe(done.orders[0]?.id);
      const stock = must(await system.catalog.getVariant(adminCtx(tenant), pot.id));
      expect([stock.onHand, stock.reserved]).toEqual([1998, 0]);
      const again = failure(await system.checkoutSessions.complete(agentCtx(tenant), s.id));
      expect(again.code).toBe('INVALID_TRANSITION');
      expect(again.details).toMatchObject({ from: 'completed' });
      expect(await ordersOf(tenant)).toHaveLength(1);
    });

    it('five concurrent completions place and pay the orders exactly once', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      const { pot } = await seedShop(system, tenant);
      const s = await readySession(tenant);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => system.checkoutSessions.complete(agentCtx(tenant), s.id)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      for (const r of results.filter((r) => !r.ok))
        expect(r.ok ? '' : r.error.code).toBe('INVALID_TRANSITION');
      expect(await ordersOf(tenant)).toMatchObject([{ status: 'paid' }]);
      const stock = must(await system.catalog.getVariant(adminCtx(tenant), pot.id));
      expect([stock.onHand, stock.reserved]).toEqual([1998, 0]);
    });

    it('splits by seller and charges exactly the session total', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      const s = await readySession(tenant, {
        lineItems: [
          { sku: 'pot_ceramic', quantity: 1 },
          { sku: 'seller_vase', quantity: 3 },
        ],
        discountCodes: ['10OFF'],
      });
      const done = must(await system.checkoutSessions.complete(agentCtx(tenant), s.id));
      expect(done.orders).toHaveLength(2);
      const sum = done.orders.reduce((total, o) => total + o.totals.totalCents, 0);
      expect(sum).toBe(s.totals.totalCents);
      expect(done.payments.every((p) => p.status === 'succeeded')).toBe(true);
    });

    it('takes the instruments with complete, and completes without an e-mail when told to', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      const s = await readySession(tenant, { paymentInstruments: [], buyer: null });
      expect(codes(s)).toEqual(['missing_buyer_email', 'missing_payment']);
      const strict = failure(
        await system.checkoutSessions.complete(agentCtx(tenant), s.id, {
          paymentInstruments: [SUCCESS],
        }),
      );
      expect(strict.code).toBe('INVALID_TRANSITION');
      expect(strict.details).toMatchObject({ messages: ['missing_buyer_email'] });
      const done = must(
        await system.checkoutSessions.complete(agentCtx(tenant), s.id, {
          paymentInstruments: [SUCCESS],
          buyerEmailOptional: true,
        }),
      );
      expect(done.session.status).toBe('completed');
      expect(done.session.paymentInstruments.map((i) => i.id)).toEqual(['instr_1']);
    });

    it('refuses without a selected destination and option', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      const s = await readySession(tenant, shipTo(HOME));
      expect(s.status).toBe('ready_for_complete');
      const error = failure(await system.checkoutSessions.complete(agentCtx(tenant), s.id));
      expect(error.code).toBe('FULFILLMENT_NOT_SELECTED');
      expect(error.message).toBe('Fulfillment address and option must be selected');
      expect(await ordersOf(tenant)).toHaveLength(0);
    });

    it('after a decline, completes with another instrument in the same payment window', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      const s = await readySession(tenant, { paymentInstruments: [DECLINE] });
      const declined = failure(await system.checkoutSessions.complete(agentCtx(tenant), s.id));
      expect(declined.code).toBe('PAYMENT_DECLINED');
      const after = must(await system.checkoutSessions.get(agentCtx(tenant), s.id));
      expect(after.status).toBe('ready_for_complete');
      expect(await ordersOf(tenant)).toMatchObject([{ status: 'awaiting_payment' }]);
      const locked = failure(
        await system.checkoutSessions.update(agentCtx(tenant), s.id, {
          lineItems: [{ sku: 'pot_ceramic', quantity: 1 }],
        }),
      );
      expect(locked.code).toBe('CHECKOUT_SESSION_LOCKED');
      const done = must(
        await system.checkoutSessions.complete(agentCtx(tenant), s.id, {
          paymentInstruments: [SUCCESS],
        }),
      );
      expect(done.session.status).toBe('completed');
      expect(done.payments[0]?.attempt).toBe(2);
      expect(await ordersOf(tenant)).toMatchObject([{ status: 'paid' }]);
    });

    it('stops at the payment window’s attempt limit', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      const s = await readySession(tenant, { paymentInstruments: [DECLINE] });
      for (let i = 0; i < 3; i++) {
        expect(failure(await system.checkoutSessions.complete(agentCtx(tenant), s.id)).code).toBe(
          'PAYMENT_DECLINED',
        );
      }
      const error = failure(
        await system.checkoutSessions.complete(agentCtx(tenant), s.id, {
          paymentInstruments: [SUCCESS],
        }),
      );
      expect(error.code).toBe('MAX_ATTEMPTS_REACHED');
    });

    it('refuses a fraud token', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      const s = await readySession(tenant, { paymentInstruments: [FRAUD] });
      expect(failure(await system.checkoutSessions.complete(agentCtx(tenant), s.id)).code).toBe(
        'PAYMENT_FRAUD_SUSPECTED',
      );
    });

    it('out of stock at completion writes nothing and names the line', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      const { pot } = await seedShop(system, tenant);
      const s = await readySession(tenant, {
        lineItems: [
          { sku: 'bouquet_roses', quantity: 1 },
          { sku: 'pot_ceramic', quantity: 2 },
        ],
      });
      must(await system.catalog.setStock(adminCtx(tenant), pot.id, 1));
      const error = failure(await system.checkoutSessions.complete(agentCtx(tenant), s.id));
      expect(error.code).toBe('INSUFFICIENT_STOCK');
      expect(error.details).toMatchObject({ path: '$.line_items[1]', sku: 'pot_ceramic' });
      expect(await ordersOf(tenant)).toHaveLength(0);
      const after = must(await system.checkoutSessions.get(agentCtx(tenant), s.id));
      expect(after.status).toBe('incomplete');
    });
  });

  describe('final states and expiry', () => {
    it('a canceled session refuses every change with from/to', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      const ctx = agentCtx(tenant);
      const s = must(await system.checkoutSessions.create(ctx, {}));
      expect(must(await system.checkoutSessions.cancel(ctx, s.id)).status).toBe('canceled');
      const update = failure(
        await system.checkoutSessions.update(ctx, s.id, { buyer: { email: 'x@example.com' } }),
      );
      expect(update.code).toBe('INVALID_TRANSITION');
      expect(update.details).toMatchObject({ from: 'canceled' });
      const cancel = failure(await system.checkoutSessions.cancel(ctx, s.id));
      expect(cancel.details).toMatchObject({ from: 'canceled', to: 'canceled' });
      expect(failure(await system.checkoutSessions.complete(ctx, s.id)).code).toBe(
        'INVALID_TRANSITION',
      );
    });

    it('an explicit transition must agree with the data', async () => {
      const { system } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      const ctx = agentCtx(tenant);
      const s = must(await system.checkoutSessions.create(ctx, {}));
      const error = failure(
        await system.checkoutSessions.transition(ctx, s.id, 'ready_for_complete'),
      );
      expect(error.code).toBe('INVALID_TRANSITION');
      expect(error.details).toMatchObject({ from: 'incomplete', to: 'ready_for_complete' });
    });

    it('is gone after 24 hours without a change, and never completes', async () => {
      const { system, clock } = harness();
      const tenant = newTenantId();
      await seedShop(system, tenant);
      const ctx = agentCtx(tenant);
      const s = must(
        await system.checkoutSessions.create(ctx, {
          lineItems: [{ sku: 'pot_ceramic', quantity: 1 }],
          buyer: { email: 'a@example.com' },
          paymentInstruments: [SUCCESS],
          ...shipTo(HOME, 'std-ship'),
        }),
      );
      clock.advanceMinutes(23 * 60);
      must(
        await system.checkoutSessions.update(ctx, s.id, { continueUrl: 'https://shop.example/c' }),
      );
      clock.advanceMinutes(23 * 60); // 46 h after creation, 23 h after the last change
      expect(must(await system.checkoutSessions.get(ctx, s.id)).continueUrl).toBe(
        'https://shop.example/c',
      );
      clock.advanceMinutes(61);
      expect(failure(await system.checkoutSessions.get(ctx, s.id)).code).toBe(
        'CHECKOUT_SESSION_NOT_FOUND',
      );
      expect(failure(await system.checkoutSessions.complete(ctx, s.id)).code).toBe(
        'CHECKOUT_SESSION_NOT_FOUND',
      );
      expect(failure(await system.checkoutSessions.update(ctx, s.id, { buyer: null })).code).toBe(
        'CHECKOUT_SESSION_NOT_FOUND',
      );
    });
  });
});
