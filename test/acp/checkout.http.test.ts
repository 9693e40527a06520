import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { agentRequestHash } from '../../src/app/agent-idempotency.ts';
import { relayOutbox } from '../../src/app/outbox/relay.ts';
import { withAgentWebhooks } from '../../src/channels/ucp/register.ts';
import { createLogSink } from '../../src/sinks/log.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';
import { seedFlowerShop } from '../ucp/support/flower-shop.ts';
import {
  ACP_WEBHOOK_SECRET,
  type AcpApp,
  acp,
  agentKey,
  openAcpApp,
  SIMULATION_SECRET,
} from './support/acp-http.ts';
import { startAcpPlatform, verifyMerchantSignature } from './support/platform.ts';
import { ACP_EXAMPLES, expectAcp, expectAcpWebhook } from './support/schemas.ts';

type Platform = Awaited<ReturnType<typeof startAcpPlatform>>;

const ADDRESS = {
  name: 'Jane Doe',
  line_one: '123 Main Street',
  city: 'New York',
  state: 'NY',
  country: 'US',
  postal_code: '10001',
};
const PAY = {
  payment_data: {
    handler_id: 'mock_payment_handler',
    instrument: { type: 'card', credential: { type: 'spt', token: 'success_token' } },
  },
};

describeEachStore('ACP checkout REST binding', (store) => {
  const tenant = newTenantId();
  let h: AcpApp;
  let platform: Platform;
  let key: string;
  let otherKey: string;

  beforeAll(async () => {
    // The receiver is down for the first three deliveries: the relay retries until it answers.
    platform = await startAcpPlatform(3);
    h = await openAcpApp(store(), tenant, platform.webhookUrl);
    await seedFlowerShop(h.system, tenant);
    // The spec's examples name item_123: sold here too, so that they can be replayed.
    const ctx = { tenantId: tenant, userId: 'seed', role: 'internal' as const };
    const made = await h.system.catalog.createProduct(ctx, {
      sku: 'item_123',
      name: 'Example item',
      priceCents: 2000,
      currency: 'USD',
      onHand: 50,
    });
    if (!made.ok) throw new Error('seed');
    key = await agentKey(h.system, tenant);
    otherKey = await agentKey(h.system, newTenantId());
  });
  afterAll(async () => {
    await h?.close();
    await platform?.close();
  });

  const relay = async () => {
    const sink = withAgentWebhooks(h.system, createLogSink(pino({ level: 'silent' })));
    if (!sink) throw new Error('no sink');
    return relayOutbox({ store: h.system.outbox, sink, clock: h.system.clock });
  };

  async function purchase(sku: string, quantity: number) {
    const created = await acp(
      h,
      {
        method: 'POST',
        url: '/checkout_sessions',
        key,
        payload: { line_items: [{ id: sku, quantity }] },
      },
      'CheckoutSession',
    );
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const addressed = await acp(
      h,
      {
        method: 'POST',
        url: `/checkout_sessions/${id}`,
        key,
        payload: {
          buyer: { email: 'jane@example.com', first_name: 'Jane', last_name: 'Doe' },
          fulfillment_details: { name: 'Jane Doe', email: 'jane@example.com', address: ADDRESS },
        },
      },
      'CheckoutSession',
    );
    const option = addressed.body.fulfillment_options[0].id as string;
    const selected = await acp(
      h,
      {
        method: 'POST',
        url: `/checkout_sessions/${id}`,
        key,
        payload: {
          selected_fulfillment_options: [
            { type: 'shipping', option_id: option, item_ids: [addressed.body.line_items[0].id] },
          ],
        },
      },
      'CheckoutSession',
    );
    return { id, created, addressed, selected };
  }

  it('buys through the whole flow: statuses, totals, order, stock, signed order_create and order_update webhooks', async () => {
    const { id, created, addressed, selected } = await purchase('bouquet_roses', 2);
    expect(created.body.status).toBe('not_ready_for_payment');
    expect(created.body.currency).toBe('usd');
    expect(created.body.protocol).toEqual({ version: '2026-04-17' });
    expect(created.body.line_items[0]).toMatchObject({
      item: { id: 'bouquet_roses' },
      quantity: 2,
      unit_amount: 3500,
    });
    expect(
      created.body.messages.map((m: { code: string; param?: string }) => [m.code, m.param]),
    ).toContainEqual(['missing', '$.buyer.email']);
    expect(addressed.body.fulfillment_details.address).toMatchObject({
      line_one: '123 Main Street',
      city: 'New York',
    });
    expect(addressed.body.fulfillment_options.length).toBeGreaterThan(0);
    expect(selected.body.status).toBe('ready_for_payment');
    const totals = Object.fromEntries(
      selected.body.totals.map((t: { type: string; amount: number }) => [t.type, t.amount]),
    );
    expect(totals.subtotal).toBe(7000);
    expect(totals.total).toBe(
      totals.subtotal -
        (totals.discount ?? 0) +
        totals.fulfillment +
        totals.tax +
        (totals.fee ?? 0),
    );

    const variant = selected.body.line_items[0].variant_id as string;
    const admin = { tenantId: tenant, userId: 'admin', role: 'admin' as const };
    const before = await h.system.catalog.getVariant(admin, variant);
    const completed = await acp(
      h,
      { method: 'POST', url: `/checkout_sessions/${id}/complete`, key, payload: PAY },
      'CheckoutSessionWithOrder',
    );
    expect(completed.status).toBe(200);
    expect(completed.body.status).toBe('completed');
    expect(completed.body.order).toMatchObject({ checkout_session_id: id, type: 'order' });
    const after = await h.system.catalog.getVariant(admin, variant);
    if (!before.ok || !after.ok) throw new Error('no product');
    expect(before.value.onHand - after.value.onHand).toBe(2);

    const got = await acp(
      h,
      { method: 'GET', url: `/checkout_sessions/${id}`, key },
      'CheckoutSessionWithOrder',
    );
    expect(got.body.order.id).toBe(completed.body.order.id);

    // A receiver that fails for a while still gets the event, once.
    let deliveredAt = h.clock.now();
    for (let i = 0; i < 6; i++) {
      deliveredAt = h.clock.now();
      await relay();
      if (platform.received.length > 0) break;
      h.clock.advanceMinutes(10);
    }
    expect(platform.refused).toBe(3);
    expect(platform.received).toHaveLength(1);
    const event = platform.received[0];
    expectAcpWebhook(event?.body);
    expect(event?.body).toMatchObject({
      type: 'order_create',
      data: { id: completed.body.order.id },
    });
    const now = Math.floor(deliveredAt.getTime() / 1000);
    expect(
      await verifyMerchantSignature(ACP_WEBHOOK_SECRET, event?.signature, event?.raw ?? '', now),
    ).toBe(true);
    expect(
      await verifyMerchantSignature(
        'another-secret-0123456789',
        event?.signature,
        event?.raw ?? '',
        now,
      ),
    ).toBe(false);
    expect(
      await verifyMerchantSignature(ACP_WEBHOOK_SECRET, event?.signature, `${event?.raw} `, now),
    ).toBe(false);
    expect(
      await verifyMerchantSignature(
        ACP_WEBHOOK_SECRET,
        event?.signature,
        event?.raw ?? '',
        now + 301,
      ),
    ).toBe(false);
    await relay();
    expect(platform.received).toHaveLength(1);

    // Shipping (UCP's simulation, the one shipping path agents see) sends order_update.
    const ucpHeaders = {
      authorization: `Bearer ${key}`,
      'ucp-agent': 'profile="https://platform.example/profiles/agent.json"',
    };
    const orderId = completed.body.order.id as string;
    const shipped = await h.app.inject({
      method: 'POST',
      url: `/testing/simulate-shipping/${orderId}`,
      headers: { ...ucpHeaders, 'simulation-secret': SIMULATION_SECRET },
    });
    expect(shipped.statusCode, shipped.body).toBe(200);
    const sentAt = h.clock.now();
    await relay();
    expect(platform.received.map((w) => w.body.type)).toEqual(['order_create', 'order_update']);
    const update = platform.received[1];
    expectAcpWebhook(update?.body);
    expect(update?.body.data).toMatchObject({ id: orderId, status: 'shipped' });
    expect(update?.body.data.line_items[0].quantity).toEqual({
      ordered: 2,
      current: 2,
      fulfilled: 2,
    });
    expect(
      await verifyMerchantSignature(
        ACP_WEBHOOK_SECRET,
        update?.signature,
        update?.raw ?? '',
        Math.floor(sentAt.getTime() / 1000),
      ),
    ).toBe(true);
  });

  it('answers cancel of a completed or canceled session with 405', async () => {
    const { id } = await purchase('pot_ceramic', 1);
    const canceled = await acp(
      h,
      { method: 'POST', url: `/checkout_sessions/${id}/cancel`, key, payload: {} },
      'CheckoutSession',
    );
    expect(canceled.body.status).toBe('canceled');
    const again = await acp(h, {
      method: 'POST',
      url: `/checkout_sessions/${id}/cancel`,
      key,
      payload: {},
    });
    expect(again.status).toBe(405);
    const bought = await purchase('pot_ceramic', 1);
    await acp(
      h,
      { method: 'POST', url: `/checkout_sessions/${bought.id}/complete`, key, payload: PAY },
      'CheckoutSessionWithOrder',
    );
    const late = await acp(h, {
      method: 'POST',
      url: `/checkout_sessions/${bought.id}/cancel`,
      key,
      payload: {},
    });
    expect([late.status, late.body.code]).toEqual([405, 'not_cancelable']);
  });

  it('keeps the Idempotency-Key table', async () => {
    const body = { line_items: [{ id: 'pot_ceramic', quantity: 1 }] };
    const missing = await acp(h, {
      method: 'POST',
      url: '/checkout_sessions',
      key,
      payload: body,
      idempotencyKey: null,
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      ...ACP_EXAMPLES.error_400_idempotency_key_required,
      param: 'Idempotency-Key',
    });

    const k = crypto.randomUUID();
    const first = await acp(h, {
      method: 'POST',
      url: '/checkout_sessions',
      key,
      payload: body,
      idempotencyKey: k,
    });
    const replay = await acp(h, {
      method: 'POST',
      url: '/checkout_sessions',
      key,
      payload: body,
      idempotencyKey: k,
    });
    expect([first.status, replay.status]).toEqual([201, 201]);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(replay.headers['idempotency-key']).toBe(k);
    expect(replay.headers['request-id']).toBeTypeOf('string');

    const conflict = await acp(h, {
      method: 'POST',
      url: '/checkout_sessions',
      key,
      payload: { line_items: [{ id: 'pot_ceramic', quantity: 2 }] },
      idempotencyKey: k,
    });
    expect(conflict.status).toBe(422);
    expect(conflict.body).toEqual(ACP_EXAMPLES.error_422_idempotency_conflict);

    // In flight: the key is held by a request that has not finished (claimed, never completed).
    const held = crypto.randomUUID();
    const keyId = (await h.system.agentKeys.authenticate(key)).ok
      ? await h.system.agentKeys.authenticate(key)
      : null;
    if (!keyId?.ok) throw new Error('no caller');
    const userId = `acp:${keyId.value.keyId}`;
    const now = h.clock.now();
    await h.system.agentIdempotency.claim({
      tenantId: tenant,
      key: `${userId}:create::${held}`,
      operation: 'acp.create',
      requestHash: agentRequestHash('acp.create', '', body),
      now,
      expiresAt: new Date(now.getTime() + 3_600_000),
      staleBefore: new Date(now.getTime() - 120_000),
    });
    const inFlight = await acp(h, {
      method: 'POST',
      url: '/checkout_sessions',
      key,
      payload: body,
      idempotencyKey: held,
    });
    expect(inFlight.status).toBe(409);
    expect(inFlight.body).toEqual(ACP_EXAMPLES.error_409_idempotency_in_flight);
    expect(Number(inFlight.headers['retry-after'])).toBeGreaterThan(0);

    // A failed request is not stored: once its cause is fixed, the same key goes through.
    const session = first.body.id as string;
    const k2 = crypto.randomUUID();
    const early = await acp(h, {
      method: 'POST',
      url: `/checkout_sessions/${session}/complete`,
      key,
      payload: PAY,
      idempotencyKey: k2,
    });
    expect(early.status).toBeGreaterThanOrEqual(400);
    expect(early.headers['idempotent-replayed']).toBeUndefined();
    const again = await acp(h, {
      method: 'POST',
      url: `/checkout_sessions/${session}/complete`,
      key,
      payload: PAY,
      idempotencyKey: k2,
    });
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });

  it('makes one session of five concurrent creates with one key', async () => {
    const k = crypto.randomUUID();
    const body = { line_items: [{ id: 'bouquet_tulips', quantity: 1 }] };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        acp(h, {
          method: 'POST',
          url: '/checkout_sessions',
          key,
          payload: body,
          idempotencyKey: k,
        }),
      ),
    );
    const made = answers.filter((a) => a.status === 201);
    expect(made.length).toBeGreaterThanOrEqual(1);
    expect(new Set(made.map((a) => a.body.id)).size).toBe(1);
    expect(made.filter((a) => a.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
    for (const other of answers.filter((a) => a.status !== 201)) {
      expect([other.status, other.body.code]).toEqual([409, 'idempotency_in_flight']);
      expect(other.headers['retry-after']).toBe('1');
    }
  });

  it('answers a declined payment with 402 payment_declined, and the session can be paid again', async () => {
    const { id } = await purchase('orchid_white', 1);
    const declined = structuredClone(PAY);
    declined.payment_data.instrument.credential.token = 'fail_token';
    const refused = await acp(h, {
      method: 'POST',
      url: `/checkout_sessions/${id}/complete`,
      key,
      payload: declined,
    });
    expect([refused.status, refused.body.code]).toEqual([402, 'payment_declined']);
    const paid = await acp(
      h,
      { method: 'POST', url: `/checkout_sessions/${id}/complete`, key, payload: PAY },
      'CheckoutSessionWithOrder',
    );
    expect(paid.body.status).toBe('completed');
  });

  it('requires API-Version 2026-04-17 and a live Bearer key', async () => {
    for (const version of [undefined, '2025-09-29']) {
      const answer = await acp(h, {
        method: 'GET',
        url: '/checkout_sessions/x',
        key,
        headers: version ? { 'api-version': version } : { 'api-version': '' },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.supported_versions).toEqual(['2026-04-17']);
    }
    expect((await acp(h, { method: 'GET', url: '/checkout_sessions/x' })).status).toBe(401);
    expect(
      (await acp(h, { method: 'GET', url: '/checkout_sessions/x', key: 'osk_wrong' })).status,
    ).toBe(401);
  });

  it("answers 404 for another tenant's session on every route", async () => {
    const created = await acp(h, {
      method: 'POST',
      url: '/checkout_sessions',
      key,
      payload: { line_items: [{ id: 'pot_ceramic' }] },
    });
    const id = created.body.id as string;
    for (const [method, url, payload] of [
      ['GET', `/checkout_sessions/${id}`, undefined],
      ['POST', `/checkout_sessions/${id}`, { line_items: [] }],
      ['POST', `/checkout_sessions/${id}/complete`, PAY],
      ['POST', `/checkout_sessions/${id}/cancel`, {}],
    ] as const) {
      const answer = await acp(h, { method, url, key: otherKey, ...(payload ? { payload } : {}) });
      expect([answer.status, answer.body.code], `${method} ${url}`).toEqual([404, 'not_found']);
    }
  });

  it('names the field of a bad request and reads lines without a quantity as one', async () => {
    const bad = await acp(h, {
      method: 'POST',
      url: '/checkout_sessions',
      key,
      payload: { line_items: [{ quantity: 1 }] },
    });
    expect([bad.status, bad.body.param]).toEqual([400, '$.line_items[0].id']);
    const unknown = await acp(h, {
      method: 'POST',
      url: '/checkout_sessions',
      key,
      payload: { line_items: [{ id: 'nope' }] },
    });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'not_found']);
    const one = await acp(
      h,
      {
        method: 'POST',
        url: '/checkout_sessions',
        key,
        payload: { items: [{ id: 'pot_ceramic' }] },
      },
      'CheckoutSession',
    );
    expect(one.body.line_items[0].quantity).toBe(1);
  });

  it("replays the spec's create, update, complete and cancel examples", async () => {
    for (const name of [
      'create_checkout_session_request',
      'update_checkout_session_request',
      'complete_checkout_session_request',
    ] as const) {
      const kind =
        `CheckoutSession${name.startsWith('create') ? 'Create' : name.startsWith('update') ? 'Update' : 'Complete'}Request` as const;
      expectAcp(kind, ACP_EXAMPLES[name]);
    }
    const created = await acp(
      h,
      {
        method: 'POST',
        url: '/checkout_sessions',
        key,
        payload: ACP_EXAMPLES.create_checkout_session_request,
      },
      'CheckoutSession',
    );
    expect(created.status).toBe(201);
    expect(created.body.line_items[0]).toMatchObject({ item: { id: 'item_123' }, quantity: 1 });
    expect(created.body.fulfillment_details.address.postal_code).toBe('94131');
    // Our option ids are ours: the example's is replaced by the one we offer.
    const update = structuredClone(ACP_EXAMPLES.update_checkout_session_request);
    update.selected_fulfillment_options[0].option_id = created.body.fulfillment_options[0].id;
    const updated = await acp(
      h,
      { method: 'POST', url: `/checkout_sessions/${created.body.id}`, key, payload: update },
      'CheckoutSession',
    );
    expect(updated.body.selected_fulfillment_options[0].option_id).toBe(
      update.selected_fulfillment_options[0].option_id,
    );
    // The example's token is a real one; the sandbox pays success_token.
    const complete = structuredClone(ACP_EXAMPLES.complete_checkout_session_request);
    complete.payment_data.instrument.credential.token = 'success_token';
    const completed = await acp(
      h,
      {
        method: 'POST',
        url: `/checkout_sessions/${created.body.id}/complete`,
        key,
        payload: complete,
      },
      'CheckoutSessionWithOrder',
    );
    expect(completed.body.buyer.email).toBe('johnsmith@mail.com');
    const other = await acp(h, {
      method: 'POST',
      url: '/checkout_sessions',
      key,
      payload: { line_items: [{ id: 'item_123' }] },
    });
    const canceled = await acp(
      h,
      {
        method: 'POST',
        url: `/checkout_sessions/${other.body.id}/cancel`,
        key,
        payload: ACP_EXAMPLES.cancel_checkout_session_request,
      },
      'CheckoutSession',
    );
    expect(canceled.body.status).toBe('canceled');
    // The spec's own webhook example is not valid against its schema (no order id, the legacy
    // `refunds`): our events are checked against the schema, not against that example.
    expect(() => expectAcpWebhook(ACP_EXAMPLES.webhook_order_create_event)).toThrow();
  });
});
