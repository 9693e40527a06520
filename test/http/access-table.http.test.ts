import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { expect, it } from 'vitest';
import type { RequestContext } from '../../src/app/context.ts';
import type { ProductVariant } from '../../src/domain/catalog/types.ts';
import { serviceRequest, testConfig, useHttpWith } from '../support/configured-http.ts';
import { ADDRESS } from '../support/fixtures.ts';
import { notifyDirect } from '../support/payments.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

/**
 * Who may do what, endpoint by endpoint. Each row is one endpoint; each column one caller,
 * always in this order:
 *
 *   buyer        the user who placed the order (and owns the session), in the home tenant
 *   otherBuyer   another user of the home tenant
 *   seller       the seller whose item the order holds (x-user-role seller, id seller-1)
 *   otherSeller  another seller of the home tenant
 *   admin        an admin of the home tenant
 *   internal     a signed service call for the home tenant
 *   fBuyer       the buyer's own user id, but in another tenant
 *   fAdmin       an admin of another tenant
 *   fInternal    a signed service call for another tenant
 *
 * An expectation is an HTTP status, or for a listing `L` (200, and the home order or product
 * is in it) or `H` (200, and it is not).
 */
const CALLERS = [
  'buyer',
  'otherBuyer',
  'seller',
  'otherSeller',
  'admin',
  'internal',
  'fBuyer',
  'fAdmin',
  'fInternal',
] as const;
type CallerName = (typeof CALLERS)[number];
type Outcome = 200 | 201 | 403 | 404 | 'L' | 'H';
type Expected = [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];

/** What a row's fixture needs; `fresh` rows change it, so each caller gets a world of its own. */
type Needs = 'nothing' | 'order' | 'paid' | 'session' | 'ready';

interface World {
  home: string;
  away: string;
  product: ProductVariant;
  orderId: string;
  orderNumber: string;
  sessionId: string;
}

interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  url: (w: World) => string;
  body?: (w: World) => unknown;
  needs: Needs;
  fresh?: boolean;
  /** For L/H: whether the answer lists the world's order or product. */
  lists?: (data: unknown, w: World) => boolean;
  expect: Expected;
}

const BUYER = 'buyer-1';
const SELLER = 'seller-1';
const orderIds = (data: unknown, w: World) =>
  (data as { items: { id: string }[] }).items.some((o) => o.id === w.orderId);
const productIds = (data: unknown, w: World) =>
  (data as { items: { id: string }[] }).items.some((p) => p.id === w.product.id);
const SETTINGS = { taxRateBp: 500, feeRateBp: 0, roundingMode: 'half_up', shippingFlatCents: 0 };

let guildCounter = 400000000000000000n;
/** A Discord server id no test has linked. */
function newGuildId(): string {
  guildCounter += 1n + BigInt(process.pid);
  return String(guildCounter);
}

// biome-ignore format: one endpoint per row, one caller per column
const TABLE: Row[] = [
  // ------------------------------------------------------------ conversational sessions
  // columns: buyer otherBuyer seller otherSeller admin internal fBuyer fAdmin fInternal
    //       buyr oBuy sell oSel admn intl fBuy fAdm fInt
  { method: 'POST', path: '/api/sessions', url: () => '/api/sessions', needs: 'nothing', fresh: true,
    expect: [201, 201, 201, 201, 201, 201, 201, 201, 201] },
  { method: 'GET', path: '/api/sessions/active', url: () => '/api/sessions/active', needs: 'session',
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 404] },
  { method: 'GET', path: '/api/sessions/:id', url: (w) => `/api/sessions/${w.sessionId}`, needs: 'session',
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 404] },
  { method: 'POST', path: '/api/sessions/:id/items', url: (w) => `/api/sessions/${w.sessionId}/items`,
    body: (w) => ({ variantId: w.product.id, quantity: 1 }), needs: 'session', fresh: true,
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 404] },
  { method: 'DELETE', path: '/api/sessions/:id/items/:sku',
    url: (w) => `/api/sessions/${w.sessionId}/items/${w.product.sku}`, needs: 'session', fresh: true,
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 404] },
  { method: 'PUT', path: '/api/sessions/:id/shipping', url: (w) => `/api/sessions/${w.sessionId}/shipping`,
    body: () => ({ shippingAddress: ADDRESS }), needs: 'session', fresh: true,
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 404] },
  { method: 'PUT', path: '/api/sessions/:id/payment-method', url: (w) => `/api/sessions/${w.sessionId}/payment-method`,
    body: () => ({ paymentMethod: 'sandbox' }), needs: 'ready', fresh: true,
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 404] },
  { method: 'POST', path: '/api/sessions/:id/submit', url: (w) => `/api/sessions/${w.sessionId}/submit`,
    needs: 'ready', fresh: true,
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 404] },
  { method: 'POST', path: '/api/sessions/:id/cancel', url: (w) => `/api/sessions/${w.sessionId}/cancel`,
    needs: 'session', fresh: true,
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 404] },
  // ------------------------------------------------------------ catalog
  { method: 'GET', path: '/api/products', url: () => '/api/products?limit=100', needs: 'nothing',
    lists: productIds,
    expect: ['L', 'L', 'L', 'L', 'L', 'L', 'H', 'H', 'H'] },
  { method: 'GET', path: '/api/products/search', url: () => '/api/products/search?limit=100', needs: 'nothing',
    lists: productIds,
    expect: ['L', 'L', 'L', 'L', 'L', 'L', 'H', 'H', 'H'] },
  { method: 'GET', path: '/api/products/:id', url: (w) => `/api/products/${w.product.id}`, needs: 'nothing',
    expect: [200, 200, 200, 200, 200, 200, 404, 404, 404] },
  { method: 'GET', path: '/api/variants/:variantId', url: (w) => `/api/variants/${w.product.id}`, needs: 'nothing',
    expect: [200, 200, 200, 200, 200, 200, 404, 404, 404] },
  { method: 'PATCH', path: '/api/admin/products/:id', url: (w) => `/api/admin/products/${w.product.id}`,
    body: () => ({ title: 'Renamed' }), needs: 'nothing', fresh: true,
    expect: [403, 403, 403, 403, 200, 200, 403, 404, 404] },
  { method: 'POST', path: '/api/admin/products/:id/archive', url: (w) => `/api/admin/products/${w.product.id}/archive`,
    needs: 'nothing', fresh: true,
    expect: [403, 403, 403, 403, 200, 200, 403, 404, 404] },
  { method: 'POST', path: '/api/admin/products/:id/variants', url: (w) => `/api/admin/products/${w.product.id}/variants`,
    body: () => ({ sku: `ADDED-${randomUUID().slice(0, 8)}`, priceCents: 500, currency: 'USD' }), needs: 'nothing',
    fresh: true, expect: [403, 403, 403, 403, 201, 201, 403, 404, 404] },
  { method: 'PATCH', path: '/api/admin/variants/:variantId', url: (w) => `/api/admin/variants/${w.product.id}`,
    body: () => ({ priceCents: 700 }), needs: 'nothing', fresh: true,
    expect: [403, 403, 403, 403, 200, 200, 403, 404, 404] },
  { method: 'PUT', path: '/api/admin/variants/:variantId/stock', url: (w) => `/api/admin/variants/${w.product.id}/stock`,
    body: () => ({ onHand: 60 }), needs: 'nothing', fresh: true,
    expect: [403, 403, 403, 403, 200, 200, 403, 404, 404] },
  { method: 'POST', path: '/api/admin/products', url: () => '/api/admin/products', needs: 'nothing', fresh: true,
    body: () => ({ sku: 'NEW-1', name: 'New', priceCents: 500, currency: 'USD', onHand: 3 }),
    expect: [403, 403, 403, 403, 201, 201, 403, 201, 201] },
  { method: 'PUT', path: '/api/admin/products/:id/stock', url: (w) => `/api/admin/products/${w.product.id}/stock`,
    body: () => ({ onHand: 60 }), needs: 'nothing', fresh: true,
    expect: [403, 403, 403, 403, 200, 200, 403, 404, 404] },
  // ------------------------------------------------------------ orders
  { method: 'POST', path: '/api/orders', url: () => '/api/orders', needs: 'nothing',
    body: (w) => ({ items: [{ variantId: w.product.id, quantity: 1 }], shippingAddress: ADDRESS,
      idempotencyKey: randomUUID() }),
    expect: [201, 201, 201, 201, 201, 201, 404, 404, 404] },
  { method: 'GET', path: '/api/orders', url: () => '/api/orders?limit=100', needs: 'order', lists: orderIds,
    expect: ['L', 'H', 'L', 'H', 'L', 'L', 'H', 'H', 'H'] },
  { method: 'GET', path: '/api/orders/:id', url: (w) => `/api/orders/${w.orderId}`, needs: 'order',
    expect: [200, 404, 200, 404, 200, 200, 404, 404, 404] },
  { method: 'GET', path: '/api/orders/number/:orderNumber', url: (w) => `/api/orders/number/${w.orderNumber}`,
    needs: 'order',
    expect: [200, 404, 200, 404, 200, 200, 404, 404, 404] },
  { method: 'PUT', path: '/api/orders/:id/status', url: (w) => `/api/orders/${w.orderId}/status`,
    body: () => ({ newStatus: 'processing' }), needs: 'paid', fresh: true,
    expect: [403, 403, 403, 403, 200, 200, 403, 404, 404] },
  { method: 'PUT', path: '/api/orders/:id/shipping-cost', url: (w) => `/api/orders/${w.orderId}/shipping-cost`,
    body: () => ({ shippingCostCents: 300 }), needs: 'order', fresh: true,
    expect: [403, 403, 403, 403, 200, 200, 403, 404, 404] },
  { method: 'POST', path: '/api/orders/:id/cancel', url: (w) => `/api/orders/${w.orderId}/cancel`,
    needs: 'order', fresh: true,
    expect: [200, 404, 403, 404, 200, 200, 404, 404, 404] },
  { method: 'POST', path: '/api/orders/:id/refund-request', url: (w) => `/api/orders/${w.orderId}/refund-request`,
    needs: 'paid', fresh: true,
    expect: [200, 404, 403, 404, 200, 200, 404, 404, 404] },
  { method: 'GET', path: '/api/orders/:id/history', url: (w) => `/api/orders/${w.orderId}/history`, needs: 'order',
    expect: [200, 404, 200, 404, 200, 200, 404, 404, 404] },
  { method: 'GET', path: '/api/orders/:id/session', url: (w) => `/api/orders/${w.orderId}/session`, needs: 'order',
    expect: [200, 404, 200, 404, 200, 200, 404, 404, 404] },
  { method: 'POST', path: '/api/orders/:id/retry-payment', url: (w) => `/api/orders/${w.orderId}/retry-payment`,
    needs: 'order', fresh: true,
    expect: [200, 404, 403, 403, 200, 200, 404, 404, 404] },
  // ------------------------------------------------------------ orders (admin)
  { method: 'GET', path: '/api/admin/orders', url: () => '/api/admin/orders?limit=100', needs: 'order',
    lists: orderIds,
    expect: [403, 403, 403, 403, 'L', 'L', 403, 'H', 'H'] },
  { method: 'GET', path: '/api/admin/orders/:id', url: (w) => `/api/admin/orders/${w.orderId}`, needs: 'order',
    expect: [403, 403, 403, 403, 200, 200, 403, 404, 404] },
  { method: 'PUT', path: '/api/admin/orders/:id/status', url: (w) => `/api/admin/orders/${w.orderId}/status`,
    body: () => ({ newStatus: 'processing' }), needs: 'paid', fresh: true,
    expect: [403, 403, 403, 403, 200, 200, 403, 404, 404] },
  // ------------------------------------------------------------ pricing (admin)
  { method: 'GET', path: '/api/admin/settings/pricing', url: () => '/api/admin/settings/pricing', needs: 'nothing',
    expect: [403, 403, 403, 403, 200, 200, 403, 200, 200] },
  { method: 'PUT', path: '/api/admin/settings/pricing', url: () => '/api/admin/settings/pricing',
    body: () => SETTINGS, needs: 'nothing', fresh: true,
    expect: [403, 403, 403, 403, 200, 200, 403, 200, 200] },
  { method: 'POST', path: '/api/admin/coupons', url: () => '/api/admin/coupons', needs: 'nothing', fresh: true,
    body: () => ({ code: 'TENOFF', kind: 'percent', percentBp: 1000 }),
    expect: [403, 403, 403, 403, 201, 201, 403, 201, 201] },
  // ------------------------------------------------------------ AI agent keys and settings (admin)
  { method: 'POST', path: '/api/admin/agent-keys', url: () => '/api/admin/agent-keys', needs: 'nothing', fresh: true,
    body: () => ({ label: 'platform' }),
    expect: [403, 403, 403, 403, 201, 201, 403, 201, 201] },
  { method: 'GET', path: '/api/admin/agent-keys', url: () => '/api/admin/agent-keys', needs: 'nothing',
    expect: [403, 403, 403, 403, 200, 200, 403, 200, 200] },
  { method: 'DELETE', path: '/api/admin/agent-keys/:id', url: () => '/api/admin/agent-keys/01970000-0000-7000-8000-000000000000',
    needs: 'nothing',
    expect: [403, 403, 403, 403, 404, 404, 403, 404, 404] },
  { method: 'GET', path: '/api/admin/settings/agents', url: () => '/api/admin/settings/agents', needs: 'nothing',
    expect: [403, 403, 403, 403, 200, 200, 403, 200, 200] },
  { method: 'PUT', path: '/api/admin/settings/agents', url: () => '/api/admin/settings/agents', needs: 'nothing',
    body: () => ({ allowAnonymous: false }), fresh: true,
    expect: [403, 403, 403, 403, 200, 200, 403, 200, 200] },
  // ------------------------------------------------------------ agent checkout merchant data (admin)
  { method: 'GET', path: '/api/admin/shipping-rates', url: () => '/api/admin/shipping-rates', needs: 'nothing',
    expect: [403, 403, 403, 403, 200, 200, 403, 200, 200] },
  { method: 'PUT', path: '/api/admin/shipping-rates/:id', url: () => '/api/admin/shipping-rates/std', needs: 'nothing',
    body: () => ({ countryCode: 'default', serviceLevel: 'standard', priceCents: 500, title: 'Standard' }), fresh: true,
    expect: [403, 403, 403, 403, 200, 200, 403, 200, 200] },
  { method: 'DELETE', path: '/api/admin/shipping-rates/:id', url: () => '/api/admin/shipping-rates/none', needs: 'nothing',
    expect: [403, 403, 403, 403, 404, 404, 403, 404, 404] },
  { method: 'GET', path: '/api/admin/promotions', url: () => '/api/admin/promotions', needs: 'nothing',
    expect: [403, 403, 403, 403, 200, 200, 403, 200, 200] },
  { method: 'PUT', path: '/api/admin/promotions/:id', url: () => '/api/admin/promotions/free', needs: 'nothing',
    body: () => ({ type: 'free_shipping', minSubtotalCents: 10000, description: 'Free over 100' }), fresh: true,
    expect: [403, 403, 403, 403, 200, 200, 403, 200, 200] },
  { method: 'DELETE', path: '/api/admin/promotions/:id', url: () => '/api/admin/promotions/none', needs: 'nothing',
    expect: [403, 403, 403, 403, 404, 404, 403, 404, 404] },
  { method: 'GET', path: '/api/admin/buyers', url: () => '/api/admin/buyers', needs: 'nothing',
    expect: [403, 403, 403, 403, 200, 200, 403, 200, 200] },
  { method: 'PUT', path: '/api/admin/buyers/:id', url: () => '/api/admin/buyers/c1', needs: 'nothing',
    body: () => ({ email: 'c1@example.com', name: 'C One' }), fresh: true,
    expect: [403, 403, 403, 403, 200, 200, 403, 200, 200] },
  { method: 'DELETE', path: '/api/admin/buyers/:id', url: () => '/api/admin/buyers/none', needs: 'nothing',
    expect: [403, 403, 403, 403, 404, 404, 403, 404, 404] },
  { method: 'GET', path: '/api/admin/buyers/:id/addresses', url: () => '/api/admin/buyers/none/addresses', needs: 'nothing',
    expect: [403, 403, 403, 403, 200, 200, 403, 200, 200] },
  { method: 'PUT', path: '/api/admin/buyers/:id/addresses/:addressId', url: () => '/api/admin/buyers/none/addresses/a1',
    body: () => ({ streetAddress: '1 A St', locality: 'X', postalCode: '1', country: 'US' }), needs: 'nothing',
    expect: [403, 403, 403, 403, 404, 404, 403, 404, 404] },
  { method: 'DELETE', path: '/api/admin/buyers/:id/addresses/:addressId', url: () => '/api/admin/buyers/none/addresses/a1',
    needs: 'nothing',
    expect: [403, 403, 403, 403, 404, 404, 403, 404, 404] },
  // ------------------------------------------------------------ discord (admin)
  { method: 'PUT', path: '/api/admin/discord/guilds/:guildId', url: () => `/api/admin/discord/guilds/${newGuildId()}`,
    needs: 'nothing', fresh: true,
    expect: [403, 403, 403, 403, 200, 200, 403, 200, 200] },
  { method: 'DELETE', path: '/api/admin/discord/guilds/:guildId', url: () => `/api/admin/discord/guilds/${newGuildId()}`,
    needs: 'nothing',
    expect: [403, 403, 403, 403, 404, 404, 403, 404, 404] },
  { method: 'GET', path: '/api/admin/discord/guilds', url: () => '/api/admin/discord/guilds', needs: 'nothing',
    expect: [403, 403, 403, 403, 200, 200, 403, 200, 200] },
];

describeEachStore('access table: endpoint × role × ownership × tenant', (store) => {
  const http = useHttpWith(store, () => testConfig());

  async function world(needs: Needs): Promise<World> {
    const h = http();
    const home = newTenantId();
    const away = newTenantId();
    const [product] = await h.seedProducts(home, { onHand: 50, sellerId: SELLER });
    await h.seedProducts(away, { onHand: 50 });
    if (!product) throw new Error('no product');
    const w: World = { home, away, product, orderId: '', orderNumber: '', sessionId: '' };
    const ctx: RequestContext = { tenantId: home, userId: BUYER, role: 'user' };
    if (needs === 'order' || needs === 'paid') {
      const placed = await h.system.placeOrder(ctx, {
        items: [{ variantId: product.id, quantity: 1 }],
        shippingAddress: ADDRESS,
        idempotencyKey: randomUUID(),
      });
      if (!placed.ok) throw new Error(JSON.stringify(placed.error));
      const [order] = placed.value.orders;
      const [payment] = placed.value.payments;
      if (!order || !payment) throw new Error('no order');
      expect(order.sellerId).toBe(SELLER);
      Object.assign(w, { orderId: order.id, orderNumber: order.orderNumber });
      if (needs === 'paid') {
        await notifyDirect(h.system, h.clock.now(), home, payment.id, 'succeeded');
      }
    }
    if (needs === 'session' || needs === 'ready') {
      const begun = await h.system.sessions.begin(ctx);
      if (!begun.ok) throw new Error(JSON.stringify(begun.error));
      w.sessionId = begun.value.id;
      const steps = [
        () => h.system.sessions.addItem(ctx, w.sessionId, { variantId: product.id, quantity: 1 }),
      ];
      if (needs === 'ready') {
        steps.push(() => h.system.sessions.setShipping(ctx, w.sessionId, ADDRESS));
        steps.push(() => h.system.sessions.setPaymentMethod(ctx, w.sessionId, 'sandbox'));
      }
      for (const step of steps) {
        const done = await step();
        if (!done.ok) throw new Error(JSON.stringify(done.error));
      }
    }
    return w;
  }

  /** The request of one caller: gateway headers for people, a signature for services. */
  function request(row: Row, w: World, caller: CallerName): InjectOptions {
    const url = row.url(w);
    const body = row.body?.(w);
    const rawBody = body === undefined ? undefined : JSON.stringify(body);
    const tenant = caller.startsWith('f') ? w.away : w.home;
    if (caller === 'internal' || caller === 'fInternal') {
      return serviceRequest({
        method: row.method,
        url,
        tenantId: tenant,
        signedAt: http().clock.now(),
        ...(rawBody === undefined ? {} : { rawBody }),
      });
    }
    const [user, role] = {
      buyer: [BUYER, 'user'],
      otherBuyer: ['buyer-2', 'user'],
      seller: [SELLER, 'seller'],
      otherSeller: ['seller-2', 'seller'],
      admin: ['admin-1', 'admin'],
      fBuyer: [BUYER, 'user'],
      fAdmin: ['admin-1', 'admin'],
    }[caller] as [string, 'user' | 'seller' | 'admin'];
    return {
      method: row.method,
      url,
      headers: {
        ...http().headers(tenant, user, role),
        ...(rawBody === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(rawBody === undefined ? {} : { payload: rawBody }),
    };
  }

  it('has a row for every /api route but the payment webhook', () => {
    const tree = http().app.printRoutes({ commonPrefix: false });
    const routes: string[] = [];
    const stack: string[] = [];
    for (const line of tree.split('\n')) {
      const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
      if (!match) continue;
      stack.length = (match[1] ?? '').length / 4;
      stack.push(match[2] ?? '');
      for (const method of (match[3] ?? '').split(',').map((m) => m.trim())) {
        if (method && method !== 'HEAD') routes.push(`${method} ${stack.join('')}`);
      }
    }
    const api = routes.filter((r) => r.includes(' /api/') && r !== 'POST /api/payments/webhook');
    expect(api.length).toBeGreaterThan(20);
    expect(TABLE.map((row) => `${row.method} ${row.path}`).sort()).toEqual(api.sort());
  });

  it.each(TABLE.map((row) => ({ ...row, name: `${row.method} ${row.path}` })))(
    '$name answers each caller as the table says',
    async (row) => {
      const shared = row.fresh ? undefined : await world(row.needs);
      const actual: Partial<Record<CallerName, Outcome | number>> = {};
      for (const caller of CALLERS) {
        const w = shared ?? (await world(row.needs));
        const answer = await http().send<unknown>(request(row, w, caller));
        const listing = row.lists && answer.status === 200;
        actual[caller] = listing ? (row.lists?.(answer.body.data, w) ? 'L' : 'H') : answer.status;
        if (answer.status >= 400) {
          const code = answer.body.error;
          if (answer.status === 403) expect(code, `${caller}`).toBe('FORBIDDEN');
          if (answer.status === 404) expect(code, `${caller}`).toMatch(/_NOT_FOUND$/);
        }
      }
      const expected = Object.fromEntries(CALLERS.map((c, i) => [c, row.expect[i]]));
      expect(actual).toEqual(expected);
    },
  );
});
