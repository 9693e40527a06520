import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/app/context.ts';
import type { ProductVariant } from '../../src/domain/catalog/types.ts';
import type { SqlStore } from '../../src/store/sql/database.ts';
import { ADDRESS } from '../support/fixtures.ts';
import { expectEnvelope, type HttpHarness, useHttp } from '../support/http.ts';
import { notifyDirect } from '../support/payments.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

/**
 * Idempotency-Key on every unsafe /api route: a replay answers the first answer byte for byte
 * and changes nothing; the same key with another request is 422; concurrent requests with one
 * key execute once. "Changes nothing" is measured by a footprint of every table of the tenant
 * (rows, session versions, stock, payment attempts), so a second execution anywhere shows.
 */

type Needs = 'nothing' | 'session' | 'ready' | 'order' | 'paid' | 'merchant';

interface World {
  tenant: string;
  product: ProductVariant;
  sessionId: string;
  orderId: string;
  /** A Discord guild of this world's own (snowflakes are global, not per tenant). */
  guildId: string;
  /** An agent API key made for 'merchant' worlds. */
  agentKeyId: string;
}

interface Case {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  needs: Needs;
  role: 'user' | 'admin';
  url: (w: World) => string;
  body?: (w: World) => unknown;
  /** Another request on the same route, for the key-reused check. */
  other: (w: World) => { url: string; body?: unknown };
  /** The checkout keeps its own key (200 on a replay); every other route replays the status. */
  replayStatus?: number;
}

const BUYER = 'buyer-1';
const ADMIN = 'admin-1';
const SELLER = 'seller-1';
const RATE = {
  countryCode: 'default',
  serviceLevel: 'standard',
  priceCents: 500,
  title: 'Standard',
};
const PROMOTION = { type: 'free_shipping', minSubtotalCents: 10000, description: 'Free over 100' };
const BUYER_RECORD = { email: 'c1@example.com', name: 'C One' };
const SAVED_ADDRESS = { streetAddress: '1 A St', locality: 'X', postalCode: '1', country: 'US' };
let guildCounter = 500000000000000000n;
function newGuildId(): string {
  guildCounter += 1n + BigInt(process.pid);
  return String(guildCounter);
}

const ORDER_BODY = (w: World, quantity = 1) => ({
  items: [{ variantId: w.product.id, quantity }],
  shippingAddress: ADDRESS,
});

// biome-ignore format: one route per row
const CASES: Case[] = [
  { method: 'POST', path: '/api/sessions', needs: 'nothing', role: 'user', url: () => '/api/sessions',
    other: () => ({ url: '/api/sessions', body: { channel: 'web' } }) },
  { method: 'POST', path: '/api/sessions/:id/items', needs: 'session', role: 'user',
    url: (w) => `/api/sessions/${w.sessionId}/items`, body: (w) => ({ variantId: w.product.id, quantity: 2 }),
    other: (w) => ({ url: `/api/sessions/${w.sessionId}/items`, body: { variantId: w.product.id, quantity: 3 } }) },
  { method: 'DELETE', path: '/api/sessions/:id/items/:sku', needs: 'session', role: 'user',
    url: (w) => `/api/sessions/${w.sessionId}/items/${w.product.sku}`,
    other: (w) => ({ url: `/api/sessions/${w.sessionId}/items/OTHER-SKU` }) },
  { method: 'PUT', path: '/api/sessions/:id/shipping', needs: 'session', role: 'user',
    url: (w) => `/api/sessions/${w.sessionId}/shipping`, body: () => ({ shippingAddress: ADDRESS }),
    other: (w) => ({ url: `/api/sessions/${w.sessionId}/shipping`, body: { shippingAddress: { ...ADDRESS, city: 'Elsewhere' } } }) },
  { method: 'PUT', path: '/api/sessions/:id/payment-method', needs: 'ready', role: 'user',
    url: (w) => `/api/sessions/${w.sessionId}/payment-method`, body: () => ({ paymentMethod: 'sandbox' }),
    other: (w) => ({ url: `/api/sessions/${w.sessionId}/payment-method`, body: { paymentMethod: 'other' } }) },
  { method: 'POST', path: '/api/sessions/:id/submit', needs: 'ready', role: 'user',
    url: (w) => `/api/sessions/${w.sessionId}/submit`, other: () => ({ url: `/api/sessions/${randomUUID()}/submit` }) },
  { method: 'POST', path: '/api/sessions/:id/cancel', needs: 'session', role: 'user',
    url: (w) => `/api/sessions/${w.sessionId}/cancel`, other: () => ({ url: `/api/sessions/${randomUUID()}/cancel` }) },
  { method: 'POST', path: '/api/admin/products', needs: 'nothing', role: 'admin', url: () => '/api/admin/products',
    body: () => ({ sku: 'NEW-1', name: 'New', priceCents: 500, currency: 'USD', onHand: 3 }),
    other: () => ({ url: '/api/admin/products', body: { sku: 'NEW-2', name: 'New', priceCents: 500, currency: 'USD', onHand: 3 } }) },
  { method: 'PUT', path: '/api/admin/products/:id/stock', needs: 'nothing', role: 'admin',
    url: (w) => `/api/admin/products/${w.product.id}/stock`, body: () => ({ onHand: 60 }),
    other: (w) => ({ url: `/api/admin/products/${w.product.id}/stock`, body: { onHand: 61 } }) },
  { method: 'PUT', path: '/api/admin/variants/:variantId/stock', needs: 'nothing', role: 'admin',
    url: (w) => `/api/admin/variants/${w.product.id}/stock`, body: () => ({ onHand: 60 }),
    other: (w) => ({ url: `/api/admin/variants/${w.product.id}/stock`, body: { onHand: 61 } }) },
  { method: 'PATCH', path: '/api/admin/products/:id', needs: 'nothing', role: 'admin',
    url: (w) => `/api/admin/products/${w.product.id}`, body: () => ({ title: 'Renamed' }),
    other: (w) => ({ url: `/api/admin/products/${w.product.id}`, body: { title: 'Renamed again' } }) },
  { method: 'POST', path: '/api/admin/products/:id/archive', needs: 'nothing', role: 'admin',
    url: (w) => `/api/admin/products/${w.product.id}/archive`,
    other: () => ({ url: `/api/admin/products/${randomUUID()}/archive` }) },
  { method: 'POST', path: '/api/admin/products/:id/variants', needs: 'nothing', role: 'admin',
    url: (w) => `/api/admin/products/${w.product.id}/variants`,
    body: () => ({ sku: 'ADDED-1', priceCents: 500, currency: 'USD', onHand: 2 }),
    other: (w) => ({ url: `/api/admin/products/${w.product.id}/variants`, body: { sku: 'ADDED-2', priceCents: 500, currency: 'USD' } }) },
  { method: 'PATCH', path: '/api/admin/variants/:variantId', needs: 'nothing', role: 'admin',
    url: (w) => `/api/admin/variants/${w.product.id}`, body: () => ({ priceCents: 700 }),
    other: (w) => ({ url: `/api/admin/variants/${w.product.id}`, body: { priceCents: 800 } }) },
  { method: 'POST', path: '/api/orders', needs: 'nothing', role: 'user', url: () => '/api/orders',
    body: (w) => ORDER_BODY(w), other: (w) => ({ url: '/api/orders', body: ORDER_BODY(w, 2) }), replayStatus: 200 },
  { method: 'PUT', path: '/api/orders/:id/status', needs: 'paid', role: 'admin',
    url: (w) => `/api/orders/${w.orderId}/status`, body: () => ({ newStatus: 'processing' }),
    other: (w) => ({ url: `/api/orders/${w.orderId}/status`, body: { newStatus: 'shipped' } }) },
  { method: 'PUT', path: '/api/admin/orders/:id/status', needs: 'paid', role: 'admin',
    url: (w) => `/api/admin/orders/${w.orderId}/status`, body: () => ({ newStatus: 'processing' }),
    other: (w) => ({ url: `/api/admin/orders/${w.orderId}/status`, body: { newStatus: 'cancelled' } }) },
  { method: 'PUT', path: '/api/orders/:id/shipping-cost', needs: 'order', role: 'admin',
    url: (w) => `/api/orders/${w.orderId}/shipping-cost`, body: () => ({ shippingCostCents: 300 }),
    other: (w) => ({ url: `/api/orders/${w.orderId}/shipping-cost`, body: { shippingCostCents: 400 } }) },
  { method: 'POST', path: '/api/orders/:id/cancel', needs: 'order', role: 'user',
    url: (w) => `/api/orders/${w.orderId}/cancel`, other: (w) => ({ url: `/api/orders/${w.orderId}/cancel`, body: { reason: 'changed my mind' } }) },
  { method: 'POST', path: '/api/orders/:id/refund-request', needs: 'paid', role: 'user',
    url: (w) => `/api/orders/${w.orderId}/refund-request`,
    other: (w) => ({ url: `/api/orders/${w.orderId}/refund-request`, body: { reason: 'broken' } }) },
  { method: 'POST', path: '/api/orders/:id/retry-payment', needs: 'order', role: 'user',
    url: (w) => `/api/orders/${w.orderId}/retry-payment`, other: () => ({ url: `/api/orders/${randomUUID()}/retry-payment` }) },
  { method: 'PUT', path: '/api/admin/settings/pricing', needs: 'nothing', role: 'admin', url: () => '/api/admin/settings/pricing',
    body: () => ({ taxRateBp: 500, feeRateBp: 0, roundingMode: 'half_up', shippingFlatCents: 0 }),
    other: () => ({ url: '/api/admin/settings/pricing', body: { taxRateBp: 600, feeRateBp: 0, roundingMode: 'half_up', shippingFlatCents: 0 } }) },
  { method: 'POST', path: '/api/admin/coupons', needs: 'nothing', role: 'admin', url: () => '/api/admin/coupons',
    body: () => ({ code: 'TENOFF', kind: 'percent', percentBp: 1000 }),
    other: () => ({ url: '/api/admin/coupons', body: { code: 'TENOFF', kind: 'percent', percentBp: 2000 } }) },
  { method: 'PUT', path: '/api/admin/shipping-rates/:id', needs: 'nothing', role: 'admin',
    url: () => '/api/admin/shipping-rates/std', body: () => RATE,
    other: () => ({ url: '/api/admin/shipping-rates/std', body: { ...RATE, priceCents: 700 } }) },
  { method: 'DELETE', path: '/api/admin/shipping-rates/:id', needs: 'merchant', role: 'admin',
    url: () => '/api/admin/shipping-rates/std', other: () => ({ url: '/api/admin/shipping-rates/other' }) },
  { method: 'PUT', path: '/api/admin/promotions/:id', needs: 'nothing', role: 'admin',
    url: () => '/api/admin/promotions/free', body: () => PROMOTION,
    other: () => ({ url: '/api/admin/promotions/free', body: { ...PROMOTION, minSubtotalCents: 20000 } }) },
  { method: 'DELETE', path: '/api/admin/promotions/:id', needs: 'merchant', role: 'admin',
    url: () => '/api/admin/promotions/free', other: () => ({ url: '/api/admin/promotions/other' }) },
  { method: 'PUT', path: '/api/admin/buyers/:id', needs: 'nothing', role: 'admin',
    url: () => '/api/admin/buyers/c1', body: () => BUYER_RECORD,
    other: () => ({ url: '/api/admin/buyers/c1', body: { ...BUYER_RECORD, name: 'C Two' } }) },
  { method: 'DELETE', path: '/api/admin/buyers/:id', needs: 'merchant', role: 'admin',
    url: () => '/api/admin/buyers/c1', other: () => ({ url: '/api/admin/buyers/c2' }) },
  { method: 'PUT', path: '/api/admin/buyers/:id/addresses/:addressId', needs: 'merchant', role: 'admin',
    url: () => '/api/admin/buyers/c1/addresses/a2', body: () => SAVED_ADDRESS,
    other: () => ({ url: '/api/admin/buyers/c1/addresses/a2', body: { ...SAVED_ADDRESS, postalCode: '2' } }) },
  { method: 'DELETE', path: '/api/admin/buyers/:id/addresses/:addressId', needs: 'merchant', role: 'admin',
    url: () => '/api/admin/buyers/c1/addresses/a1', other: () => ({ url: '/api/admin/buyers/c1/addresses/a3' }) },
  { method: 'PUT', path: '/api/admin/discord/guilds/:guildId', needs: 'nothing', role: 'admin',
    url: (w) => `/api/admin/discord/guilds/${w.guildId}`, other: () => ({ url: `/api/admin/discord/guilds/${newGuildId()}` }) },
  { method: 'DELETE', path: '/api/admin/discord/guilds/:guildId', needs: 'merchant', role: 'admin',
    url: (w) => `/api/admin/discord/guilds/${w.guildId}`, other: () => ({ url: `/api/admin/discord/guilds/${newGuildId()}` }) },
  { method: 'POST', path: '/api/admin/agent-keys', needs: 'nothing', role: 'admin', url: () => '/api/admin/agent-keys',
    body: () => ({ label: 'agent one' }), other: () => ({ url: '/api/admin/agent-keys', body: { label: 'agent two' } }) },
  { method: 'DELETE', path: '/api/admin/agent-keys/:id', needs: 'merchant', role: 'admin',
    url: (w) => `/api/admin/agent-keys/${w.agentKeyId}`, other: () => ({ url: `/api/admin/agent-keys/${randomUUID()}` }) },
  { method: 'PUT', path: '/api/admin/settings/agents', needs: 'nothing', role: 'admin', url: () => '/api/admin/settings/agents',
    body: () => ({ allowAnonymous: true }), other: () => ({ url: '/api/admin/settings/agents', body: { allowAnonymous: false } }) },
];

/** Everything a second execution could change, for one tenant. */
async function footprint(db: SqlStore['db'], tenant: string): Promise<Record<string, unknown>> {
  const result = await sql<Record<string, unknown>>`
    SELECT
      (SELECT count(*) FROM order_sessions WHERE tenant_id = ${tenant})::int AS sessions,
      (SELECT coalesce(sum(version), 0) FROM order_sessions WHERE tenant_id = ${tenant})::int AS session_versions,
      (SELECT string_agg(state, '|' ORDER BY id) FROM order_sessions WHERE tenant_id = ${tenant}) AS session_states,
      (SELECT coalesce(sum((item->>'quantity')::int), 0) FROM order_sessions, jsonb_array_elements(items) AS item
        WHERE tenant_id = ${tenant})::int AS session_units,
      (SELECT count(*) FROM orders WHERE tenant_id = ${tenant})::int AS orders,
      (SELECT string_agg(status || ':' || total_cents || ':' || version, '|' ORDER BY id) FROM orders WHERE tenant_id = ${tenant}) AS order_states,
      (SELECT count(*) FROM order_adjustments WHERE tenant_id = ${tenant})::int AS adjustments,
      (SELECT count(*) FROM order_status_history WHERE tenant_id = ${tenant})::int AS history,
      (SELECT count(*) FROM outbox WHERE tenant_id = ${tenant})::int AS events,
      (SELECT count(*) FROM payments WHERE tenant_id = ${tenant})::int AS payments,
      (SELECT coalesce(sum(payment_attempts), 0) FROM payment_sessions WHERE tenant_id = ${tenant})::int AS attempts,
      (SELECT count(*) FROM product_variants WHERE tenant_id = ${tenant})::int AS variants,
      (SELECT string_agg(status || ':' || price_cents || ':' || updated_at, '|' ORDER BY id) FROM product_variants WHERE tenant_id = ${tenant}) AS variant_states,
      (SELECT string_agg(status || ':' || updated_at, '|' ORDER BY id) FROM products WHERE tenant_id = ${tenant}) AS products,
      (SELECT coalesce(sum(on_hand), 0) FROM product_variants WHERE tenant_id = ${tenant})::int AS on_hand,
      (SELECT coalesce(sum(reserved), 0) FROM product_variants WHERE tenant_id = ${tenant})::int AS reserved,
      (SELECT count(*) FROM coupons WHERE tenant_id = ${tenant})::int AS coupons,
      (SELECT string_agg(id || ':' || price_cents, '|' ORDER BY id) FROM shipping_rates WHERE tenant_id = ${tenant}) AS shipping_rates,
      (SELECT count(*) FROM promotions WHERE tenant_id = ${tenant})::int AS promotions,
      (SELECT count(*) FROM buyers WHERE tenant_id = ${tenant})::int AS buyers,
      (SELECT count(*) FROM buyer_addresses WHERE tenant_id = ${tenant})::int AS buyer_addresses,
      (SELECT count(*) FROM discord_guilds WHERE tenant_id = ${tenant})::int AS discord_guilds,
      (SELECT count(*) FROM agent_api_keys WHERE tenant_id = ${tenant})::int AS agent_keys,
      (SELECT count(*) FROM agent_api_keys WHERE tenant_id = ${tenant} AND revoked_at IS NOT NULL)::int AS revoked_keys,
      (SELECT string_agg(allow_anonymous::text, '|') FROM agent_settings WHERE tenant_id = ${tenant}) AS agent_settings
  `.execute(db);
  return result.rows[0] ?? {};
}

describeEachStore('Idempotency-Key on every unsafe /api route', (store) => {
  const http = useHttp(store);

  async function world(needs: Needs): Promise<World> {
    const h = http();
    const tenant = newTenantId();
    const [product] = await h.seedProducts(tenant, { onHand: 50, sellerId: SELLER });
    if (!product) throw new Error('no product');
    const w: World = {
      tenant,
      product,
      sessionId: '',
      orderId: '',
      guildId: newGuildId(),
      agentKeyId: '',
    };
    if (needs === 'merchant') {
      const admin = h.headers(tenant, ADMIN, 'admin');
      const setup: [string, unknown][] = [
        ['/api/admin/shipping-rates/std', RATE],
        ['/api/admin/promotions/free', PROMOTION],
        ['/api/admin/buyers/c1', BUYER_RECORD],
        ['/api/admin/buyers/c1/addresses/a1', SAVED_ADDRESS],
        [`/api/admin/discord/guilds/${w.guildId}`, undefined],
      ];
      for (const [url, body] of setup) {
        const made = await h.app.inject({
          method: 'PUT',
          url,
          headers: body === undefined ? admin : { ...admin, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
        });
        if (made.statusCode !== 200) throw new Error(`${url}: ${made.body}`);
      }
      const key = await h.app.inject({
        method: 'POST',
        url: '/api/admin/agent-keys',
        headers: { ...admin, 'content-type': 'application/json' },
        payload: '{}',
      });
      if (key.statusCode !== 201) throw new Error(`agent key: ${key.body}`);
      w.agentKeyId = key.json().data.id;
    }
    const ctx: RequestContext = { tenantId: tenant, userId: BUYER, role: 'user' };
    if (needs === 'order' || needs === 'paid') {
      const placed = await h.system.placeOrder(ctx, {
        ...ORDER_BODY(w),
        idempotencyKey: randomUUID(),
      });
      if (!placed.ok) throw new Error(JSON.stringify(placed.error));
      const [order] = placed.value.orders;
      const [payment] = placed.value.payments;
      if (!order || !payment) throw new Error('no order');
      w.orderId = order.id;
      if (needs === 'paid')
        await notifyDirect(h.system, h.clock.now(), tenant, payment.id, 'succeeded');
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

  function request(
    h: HttpHarness,
    c: Case,
    w: World,
    call: { url: string; body?: unknown },
    key?: string,
    user?: string,
  ): InjectOptions {
    const caller = user ?? (c.role === 'admin' ? ADMIN : BUYER);
    return {
      method: c.method,
      url: call.url,
      headers: {
        ...h.headers(w.tenant, caller, c.role),
        ...(key === undefined ? {} : { 'idempotency-key': key }),
        ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(call.body === undefined ? {} : { payload: JSON.stringify(call.body) }),
    };
  }

  const first = (c: Case, w: World) => ({
    url: c.url(w),
    ...(c.body ? { body: c.body(w) } : {}),
  });

  async function send(h: HttpHarness, options: InjectOptions): Promise<LightMyRequestResponse> {
    const response = await h.app.inject(options);
    expectEnvelope(response.statusCode, response.json());
    return response;
  }

  it('covers every unsafe /api route but the payment webhook, and documents the header on each', async () => {
    const h = http();
    const doc = h.app.swagger() as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const unsafe: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!['post', 'put', 'delete', 'patch'].includes(method) || !path.startsWith('/api/'))
          continue;
        if (path === '/api/payments/webhook') continue;
        unsafe.push(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
        const header = operation.parameters?.find(
          (p) => p.in === 'header' && p.name === 'idempotency-key',
        );
        expect(header, `${method} ${path} documents Idempotency-Key`).toBeDefined();
      }
    }
    expect(CASES.map((c) => `${c.method} ${c.path}`).sort()).toEqual(unsafe.sort());
  });

  describe.each(CASES.map((c) => ({ ...c, name: `${c.method} ${c.path}` })))('$name', (c) => {
    it('answers a replay with the first answer, byte for byte, and changes nothing', async () => {
      const h = http();
      const w = await world(c.needs);
      const key = randomUUID();
      const answer = await send(h, request(h, c, w, first(c, w), key));
      expect(answer.statusCode, answer.body).toBeLessThan(300);
      expect(answer.headers['idempotent-replayed']).toBeUndefined();
      const after = await footprint(h.system.store.db, w.tenant);

      const replay = await send(h, request(h, c, w, first(c, w), key));
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.statusCode).toBe(c.replayStatus ?? answer.statusCode);
      if (c.replayStatus === undefined) expect(replay.body).toBe(answer.body);
      else expect(replay.json().data).toEqual(answer.json().data);
      expect(await footprint(h.system.store.db, w.tenant)).toEqual(after);
    });

    it('refuses the key with another request: 422 IDEMPOTENCY_KEY_REUSED, nothing changed', async () => {
      const h = http();
      const w = await world(c.needs);
      const key = randomUUID();
      const answer = await send(h, request(h, c, w, first(c, w), key));
      expect(answer.statusCode, answer.body).toBeLessThan(300);
      const after = await footprint(h.system.store.db, w.tenant);
      const reused = await send(h, request(h, c, w, c.other(w), key));
      expect([reused.statusCode, reused.json().error]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
      expect(await footprint(h.system.store.db, w.tenant)).toEqual(after);
    });

    it('executes concurrent requests with one key once: the same state as a single request', async () => {
      const h = http();
      const single = await world(c.needs);
      const once = await send(h, request(h, c, single, first(c, single), randomUUID()));
      expect(once.statusCode, once.body).toBeLessThan(300);
      const expected = await footprint(h.system.store.db, single.tenant);

      const w = await world(c.needs);
      const key = randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => send(h, request(h, c, w, first(c, w), key))),
      );
      const executed = answers.filter((a) => a.headers['idempotent-replayed'] === undefined);
      expect(executed).toHaveLength(1);
      for (const a of answers) {
        expect(a.statusCode, a.body).toBeLessThan(300);
        expect(a.json().data).toEqual(executed[0]?.json().data);
      }
      expect(await footprint(h.system.store.db, w.tenant)).toEqual(expected);
    });
  });

  it('adds an item once for two requests with one key; a second key adds again', async () => {
    const h = http();
    const w = await world('session');
    const c = CASES.find((x) => x.path === '/api/sessions/:id/items') as Case;
    const key = randomUUID();
    await send(h, request(h, c, w, first(c, w), key));
    const replay = await send(h, request(h, c, w, first(c, w), key));
    expect(replay.json().data.items[0].quantity).toBe(3);
    const again = await send(h, request(h, c, w, first(c, w), randomUUID()));
    expect(again.json().data.items[0].quantity).toBe(5);
  });

  it('retries a payment once per key: the same key never uses a second attempt', async () => {
    const h = http();
    const w = await world('order');
    const c = CASES.find((x) => x.path === '/api/orders/:id/retry-payment') as Case;
    const key = randomUUID();
    for (let i = 0; i < 3; i++) {
      const answer = await send(h, request(h, c, w, first(c, w), key));
      expect(answer.json().data.paymentAttempts).toBe(2);
    }
    const other = await send(h, request(h, c, w, first(c, w), randomUUID()));
    expect(other.json().data.paymentAttempts).toBe(3);
  });

  it('keeps no failed answer: after a 4xx the same key executes again', async () => {
    const h = http();
    const w = await world('nothing');
    const c = CASES.find((x) => x.path === '/api/admin/products/:id/stock') as Case;
    const key = randomUUID();
    const forbidden = await send(h, request(h, { ...c, role: 'user' }, w, first(c, w), key, BUYER));
    expect(forbidden.statusCode).toBe(403);
    const done = await send(h, request(h, c, w, first(c, w), key));
    expect([done.statusCode, done.headers['idempotent-replayed']]).toEqual([200, undefined]);
  });

  it('scopes keys by tenant and caller, and forgets them after 24 hours', async () => {
    const h = http();
    const w = await world('nothing');
    const c = CASES.find((x) => x.path === '/api/sessions') as Case;
    const key = randomUUID();
    const mine = await send(h, request(h, c, w, first(c, w), key));
    expect(mine.statusCode).toBe(201);
    const theirs = await send(h, request(h, c, w, first(c, w), key, 'buyer-2'));
    expect([theirs.statusCode, theirs.headers['idempotent-replayed']]).toEqual([201, undefined]);
    expect(theirs.json().data.id).not.toBe(mine.json().data.id);
    const elsewhere = await world('nothing');
    const foreign = await send(h, request(h, c, elsewhere, first(c, elsewhere), key));
    expect(foreign.headers['idempotent-replayed']).toBeUndefined();

    h.clock.advanceMinutes(24 * 60 + 1);
    const later = await send(h, request(h, c, w, first(c, w), key));
    expect(later.headers['idempotent-replayed']).toBeUndefined();
  });

  it('refuses a key over 255 characters with 400 naming the header', async () => {
    const h = http();
    const w = await world('nothing');
    const c = CASES.find((x) => x.path === '/api/sessions') as Case;
    const answer = await send(h, request(h, c, w, first(c, w), 'k'.repeat(256)));
    expect(answer.statusCode).toBe(400);
    expect(answer.json().details).toEqual({ field: 'headers.idempotency-key' });
  });
});
