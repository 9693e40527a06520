import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PRODUCTS } from '../../src/app/seed-demo.ts';
import {
  createOrdersessionClient,
  type OrdersessionClient,
  signWebhook,
} from '../../src/client/index.ts';
import { EXAMPLE_ADDRESS } from '../../src/http/openapi-examples.ts';
import { SERVICE_SECRET, testConfig, WEBHOOK_SECRET } from '../support/configured-http.ts';
import { GATEWAY_KEY, type HttpHarness, openHttp } from '../support/http.ts';
import { describeEachStore } from '../support/stores.ts';

const TEE = DEMO_PRODUCTS[0].variants[0];
const MUG = DEMO_PRODUCTS[1].variants[0];
const SOCKS = DEMO_PRODUCTS[2].variants[0];

describeEachStore('the typed client (ordersession/client)', (store) => {
  let http: HttpHarness;
  let baseUrl: string;
  let alice: OrdersessionClient;

  beforeAll(async () => {
    http = await openHttp(store(), testConfig({ seedDemo: true }), {
      webhookSecret: WEBHOOK_SECRET,
    });
    // Signatures carry the wall-clock time: the server's clock reads the same.
    http.clock.set(new Date());
    baseUrl = await http.app.listen({ port: 0, host: '127.0.0.1' });
    alice = createOrdersessionClient({ baseUrl, gateway: { key: GATEWAY_KEY, userId: 'alice' } });
  });
  afterAll(async () => {
    await http?.close();
  });

  it('takes a buyer from the catalog to a paid order', async () => {
    const products = await alice.GET('/api/products');
    expect(products.response.status).toBe(200);
    expect(JSON.stringify(products.data)).toContain(TEE.id);

    const begun = await alice.POST('/api/sessions');
    expect(begun.response.status).toBe(201);
    const sessionId = begun.data?.data.id ?? '';
    const path = { id: sessionId };

    const added = await alice.POST('/api/sessions/{id}/items', {
      params: { path },
      body: { variantId: TEE.id, quantity: 2 },
    });
    expect(added.data?.data.subtotalCents).toBe(2 * TEE.priceCents);
    await alice.POST('/api/sessions/{id}/items', {
      params: { path },
      body: { variantId: SOCKS.id, quantity: 1 },
    });
    await alice.PUT('/api/sessions/{id}/shipping', {
      params: { path },
      body: { shippingAddress: EXAMPLE_ADDRESS },
    });
    const ready = await alice.PUT('/api/sessions/{id}/payment-method', {
      params: { path },
      body: { paymentMethod: 'sandbox' },
    });
    expect(ready.data?.data.state).toBe('READY_TO_SUBMIT');

    const submitted = await alice.POST('/api/sessions/{id}/submit', { params: { path } });
    expect(submitted.response.status).toBe(200);
    // The tee is a house-brand order, the socks a seller's: two orders, two payments.
    const orders = submitted.data?.data.orders ?? [];
    expect(orders.map((order) => order.orderSource).sort()).toEqual(['brand', 'seller']);
    const brand = orders.find((order) => order.orderSource === 'brand');
    const payment = submitted.data?.data.payments.find((p) => p.orderId === brand?.id);
    if (!brand || !payment) throw new Error('no brand order or payment');

    const window = await alice.GET('/api/orders/{id}/session', {
      params: { path: { id: brand.id } },
    });
    expect(window.data?.data).toMatchObject({
      status: 'active',
      paymentAttempts: 1,
      canRetry: true,
    });

    // The provider's webhook, signed as Standard Webhooks says, through the same client.
    const event = {
      id: `evt_${crypto.randomUUID()}`,
      type: 'payment.succeeded' as const,
      created: Math.floor(Date.now() / 1000),
      data: { tenantId: 'demo', paymentId: payment.paymentId },
    };
    const rawBody = JSON.stringify(event);
    const signature = signWebhook(WEBHOOK_SECRET, {
      id: event.id,
      unixSeconds: event.created,
      rawBody,
    });
    const delivered = await alice.POST('/api/payments/webhook', {
      params: { header: signature },
      body: event,
      bodySerializer: () => rawBody,
    });
    expect(delivered.data?.data.outcome).toBe('paid');

    const paid = await alice.GET('/api/orders/{id}', { params: { path: { id: brand.id } } });
    expect(paid.data?.data.status).toBe('paid');
    expect(paid.response.headers.get('x-request-id')).toBeTruthy();
  });

  it('replays a checkout sent again with the same idempotency key', async () => {
    const send = () =>
      alice.POST('/api/orders', {
        params: { header: { 'idempotency-key': `client-test-${store().kind}` } },
        body: { items: [{ variantId: MUG.id, quantity: 1 }], shippingAddress: EXAMPLE_ADDRESS },
      });
    const first = await send();
    const again = await send();
    expect(first.response.status).toBe(201);
    expect(again.response.status).toBe(200);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    expect(again.data?.data.checkoutId).toBe(first.data?.data.checkoutId);
  });

  it('gives every unsafe call a key of its own unless told otherwise', async () => {
    const body = { items: [{ variantId: MUG.id, quantity: 1 }], shippingAddress: EXAMPLE_ADDRESS };
    const first = await alice.POST('/api/orders', { body });
    const second = await alice.POST('/api/orders', { body });
    expect(first.response.status).toBe(201);
    expect(second.response.status).toBe(201);
    expect(second.data?.data.checkoutId).not.toBe(first.data?.data.checkoutId);

    const keyless = createOrdersessionClient({
      baseUrl,
      gateway: { key: GATEWAY_KEY, userId: 'alice' },
      idempotencyKey: false,
    });
    const refused = await keyless.POST('/api/orders', { body });
    expect(refused.response.status).toBe(400);
    expect(refused.error?.error).toBe('IDEMPOTENCY_KEY_REQUIRED');
  });

  it('answers typed errors in the envelope', async () => {
    const missing = await alice.GET('/api/orders/{id}', {
      params: { path: { id: '01a22f57-0000-7000-8000-000000000000' } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ success: false, error: 'ORDER_NOT_FOUND' });
  });

  it('signs service calls, and acts as staff with the gateway role', async () => {
    const billing = createOrdersessionClient({
      baseUrl,
      service: { name: 'billing', secret: SERVICE_SECRET, tenantId: 'demo' },
    });
    const listed = await billing.GET('/api/orders', { params: { query: { userId: 'alice' } } });
    expect(listed.response.status).toBe(200);
    expect(listed.data?.data.items.length).toBeGreaterThan(0);
    expect(listed.data?.data.items.every((order) => order.userId === 'alice')).toBe(true);

    const unpaid = listed.data?.data.items.find((order) => order.status === 'awaiting_payment');
    if (!unpaid) throw new Error('no unpaid order');
    // A signed unsafe call with a body: its generated idempotency key is signed with it.
    const cancelled = await billing.POST('/api/orders/{id}/cancel', {
      params: { path: { id: unpaid.id } },
      body: { reason: 'Billing could not charge the card' },
    });
    expect(cancelled.response.status).toBe(200);
    expect(cancelled.data?.data.status).toBe('cancelled');

    const forged = createOrdersessionClient({
      baseUrl,
      service: { name: 'billing', secret: 'another-secret-0123456789abcdefghij', tenantId: 'demo' },
    });
    expect((await forged.GET('/api/orders')).response.status).toBe(401);

    const admin = createOrdersessionClient({
      baseUrl,
      gateway: { key: GATEWAY_KEY, userId: 'ops-1', role: 'admin' },
    });
    const settings = await admin.GET('/api/admin/settings/pricing');
    expect(settings.data?.data.taxRateBp).toBe(800);
    expect((await alice.GET('/api/admin/settings/pricing')).response.status).toBe(403);
  });
});
