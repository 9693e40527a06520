import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CheckoutSessionStore } from '../../src/app/checkout-sessions/ports.ts';
import { relayOutbox } from '../../src/app/outbox/relay.ts';
import { withAgentWebhooks } from '../../src/channels/ucp/register.ts';
import type { Config } from '../../src/config.ts';
import { createLogSink } from '../../src/sinks/log.ts';
import { openEmbedded, type SqlStore } from '../../src/store/sql/database.ts';
import { buildHttp, openSystem, type System } from '../../src/system.ts';
import { newDynamoSessionStore, startDynalite } from '../checkout-sessions/support.ts';
import { manualClock } from '../support/clock.ts';
import type { HttpHarness } from '../support/http.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';
import { seedFlowerShop } from './support/flower-shop.ts';
import { startPlatform } from './support/platform.ts';
import { SIMULATION_SECRET, ucp, ucpConfig } from './support/ucp-http.ts';

type Platform = Awaited<ReturnType<typeof startPlatform>>;

function sinkOf<T>(sink: T | null): T {
  if (!sink) throw new Error('no sink');
  return sink;
}

/** The HTTP app over `store`, with outbound calls to loopback allowed (the fake platform). */
async function openAgentApp(
  store: SqlStore,
  tenant: string,
  dynamo: boolean,
): Promise<{ http: HttpHarness; close(): Promise<void> }> {
  const base = ucpConfig(tenant);
  const config: Config = {
    ...base,
    agents: { ...base.agents, outbound: { httpsOnly: false, allowPrivate: true } },
  };
  let closeDynamo = async () => {};
  let checkoutSessionStore: CheckoutSessionStore | undefined;
  if (dynamo) {
    const local = await startDynalite();
    checkoutSessionStore = (await newDynamoSessionStore(local)).store;
    closeDynamo = local.close;
  }
  const clock = manualClock(new Date());
  const system: System = await openSystem(config, {
    store,
    clock,
    gatewayKey: 'test-gateway-key-0123456789abcdef',
    webhookSecret: 'test-webhook-secret-0123456789',
    logger: pino({ level: 'silent' }),
    ...(checkoutSessionStore ? { checkoutSessionStore } : {}),
  });
  const app = await buildHttp(system);
  await app.ready();
  const http = { app, system, clock } as unknown as HttpHarness;
  return {
    http,
    close: async () => {
      await app.close();
      await closeDynamo();
    },
  };
}

function agentFlow(kind: string, store: () => SqlStore, dynamo: boolean) {
  let platform: Platform;
  let http: HttpHarness;
  let close: () => Promise<void>;
  const tenant = newTenantId();
  beforeAll(async () => {
    platform = await startPlatform();
    ({ http, close } = await openAgentApp(store(), tenant, dynamo));
    await seedFlowerShop(http.system, tenant);
  });
  afterAll(async () => {
    await close();
    await platform.close();
  });

  const agent = () => ({ 'ucp-agent': `profile="${platform.profileUrl}"` });
  const relay = () =>
    relayOutbox({
      store: http.system.outbox,
      sink: sinkOf(withAgentWebhooks(http.system, createLogSink(pino({ level: 'silent' })))),
      clock: http.system.clock,
    });

  it(`runs the whole agent flow [${kind}]`, async () => {
    const found = await ucp(
      http,
      { method: 'POST', url: '/catalog/search', payload: { query: 'roses' }, headers: agent() },
      'search',
    );
    expect(found.body.products[0].id).toBe('bouquet_roses');

    const created = await ucp(
      http,
      {
        method: 'POST',
        url: '/checkout-sessions',
        headers: agent(),
        payload: {
          line_items: [{ item: { id: 'bouquet_roses', price: 1 }, quantity: 1 }],
          buyer: { email: 'john.doe@example.com', first_name: 'John' },
        },
      },
      'checkout',
    );
    expect(created.status).toBe(201);
    expect(created.body.line_items[0].item.price).toBe(3500);
    const id = created.body.id as string;
    const put = (payload: unknown, idempotencyKey?: string) =>
      ucp(
        http,
        {
          method: 'PUT',
          url: `/checkout-sessions/${id}`,
          headers: agent(),
          payload: payload as Record<string, unknown>,
          ...(idempotencyKey ? { idempotencyKey } : {}),
        },
        'checkout',
      );
    const lines = [
      { id: created.body.line_items[0].id, item: { id: 'bouquet_roses' }, quantity: 1 },
    ];
    const buyer = { email: 'john.doe@example.com', first_name: 'John' };

    // A known buyer's method without destinations gets the saved addresses.
    const injected = await put({
      line_items: lines,
      buyer,
      fulfillment: { methods: [{ type: 'shipping' }] },
    });
    const method = injected.body.fulfillment.methods[0];
    expect(method.destinations.map((d: { id: string }) => d.id)).toEqual(['addr_1', 'addr_2']);

    // Choosing addr_2 offers options; choosing express makes the total 3500 + 1500.
    const chosen = await put({
      line_items: lines,
      buyer,
      fulfillment: {
        methods: [{ id: method.id, type: 'shipping', selected_destination_id: 'addr_2' }],
      },
    });
    const group = chosen.body.fulfillment.methods[0].groups[0];
    expect(group.options.map((o: { id: string }) => o.id)).toContain('exp-ship-us');
    const withOption = {
      line_items: lines,
      buyer,
      fulfillment: {
        methods: [
          {
            id: method.id,
            type: 'shipping',
            selected_destination_id: 'addr_2',
            groups: [{ id: group.id, selected_option_id: 'exp-ship-us' }],
          },
        ],
      },
      discounts: { codes: ['10OFF'] },
    };
    const key = crypto.randomUUID();
    const discounted = await put(withOption, key);
    expect(discounted.status).toBe(200);
    const total = (type: string) =>
      discounted.body.totals.find((t: { type: string }) => t.type === type)?.amount;
    expect([total('subtotal'), total('discount'), total('fulfillment'), total('total')]).toEqual([
      3500, -350, 1500, 4650,
    ]);
    // The same key and body: the stored answer, byte for byte; another body: 409.
    const replay = await put(withOption, key);
    expect(replay.text).toBe(discounted.text);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await put({ ...withOption, discounts: { codes: [] } }, key)).status).toBe(409);

    // Complete without the buyer's e-mail being required; a declined token first.
    const complete = (token: string) =>
      ucp(
        http,
        {
          method: 'POST',
          url: `/checkout-sessions/${id}/complete`,
          headers: agent(),
          payload: {
            payment: {
              instruments: [
                {
                  id: 'instr_1',
                  handler_id: 'mock_payment_handler',
                  type: 'card',
                  credential: { type: 'token', token },
                },
              ],
            },
          },
        },
        'checkout',
      );
    expect((await complete('fail_token')).status).toBe(402);
    const completed = await complete('success_token');
    expect(completed.status).toBe(200);
    expect(completed.body.status).toBe('completed');
    const orderId = completed.body.order.id as string;
    expect(completed.body.order.permalink_url).toBe(`http://merchant.test/orders/${orderId}`);
    expect((await complete('success_token')).status).not.toBe(200);

    // The order, in UCP's shape, then the platform's update (adjustment fields kept as sent).
    const order = await ucp(
      http,
      { method: 'GET', url: `/orders/${orderId}`, headers: agent() },
      'order',
    );
    expect(order.body.checkout_id).toBe(id);
    expect(order.body.fulfillment.expectations[0]).toMatchObject({
      description: 'Express Shipping (US)',
      destination: { street_address: '456 Oak Ave', postal_code: '10012' },
    });
    const adjustment = {
      id: 'adj_1',
      type: 'refund',
      occurred_at: new Date().toISOString(),
      status: 'pending',
      amount: 500,
    };
    const updated = await ucp(
      http,
      {
        method: 'PUT',
        url: `/orders/${orderId}`,
        headers: agent(),
        payload: { ...order.body, adjustments: [adjustment] },
      },
      'order',
    );
    expect(updated.body.adjustments).toEqual([adjustment]);
    const bad = await ucp(http, {
      method: 'PUT',
      url: `/orders/${orderId}`,
      headers: agent(),
      payload: { ...order.body, adjustments: [{ ...adjustment, status: 'INVALID_STATUS' }] },
    });
    expect(bad.status).toBe(422);
    expect(
      (
        await ucp(http, {
          method: 'PUT',
          url: `/orders/${orderId}`,
          headers: agent(),
          payload: { adjustments: { id: 'x' } },
        })
      ).status,
    ).toBe(422);

    // Webhooks: order_placed on completion, order_shipped once shipped, the whole order as body.
    await relay();
    expect(platform.received.map((w) => w.eventType)).toEqual(['order_placed']);
    expect(platform.received[0]?.body).toMatchObject({ id: orderId, checkout_id: id });
    const shipped = await ucp(http, {
      method: 'POST',
      url: `/testing/simulate-shipping/${orderId}`,
      headers: { ...agent(), 'simulation-secret': SIMULATION_SECRET },
    });
    expect(shipped.status).toBe(200);
    await relay();
    expect(platform.received.map((w) => w.eventType)).toEqual(['order_placed', 'order_shipped']);
    const shippedOrder = platform.received[1]?.body;
    expect(shippedOrder.fulfillment.events.map((e: { type: string }) => e.type)).toEqual([
      'shipped',
    ]);
    expect(platform.received[1]?.headers['webhook-id']).toBeTypeOf('string');
  });

  it(`quotes a partial destination and completes without a buyer e-mail; concurrent same-key creates make one checkout [${kind}]`, async () => {
    const body = {
      line_items: [{ item: { id: 'orchid_white' }, quantity: 1 }],
      fulfillment: {
        methods: [
          {
            type: 'shipping',
            destinations: [{ id: 'd_ca', address_country: 'CA', postal_code: 'M5V 2H1' }],
            selected_destination_id: 'd_ca',
          },
        ],
      },
    };
    const idempotencyKey = crypto.randomUUID();
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        ucp(http, { method: 'POST', url: '/checkout-sessions', payload: body, idempotencyKey }),
      ),
    );
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((a) => a.body.id)).size).toBe(1);
    for (const other of answers.filter((a) => a.status !== 201)) expect(other.status).toBe(409);
    const checkout = created[0]?.body;
    const group = checkout.fulfillment.methods[0].groups[0];
    expect(group.options.map((o: { id: string }) => o.id)).toContain('exp-ship-intl');
    const id = checkout.id as string;
    const selected = await ucp(
      http,
      {
        method: 'PUT',
        url: `/checkout-sessions/${id}`,
        payload: {
          ...body,
          line_items: [
            { id: checkout.line_items[0].id, item: { id: 'orchid_white' }, quantity: 1 },
          ],
          fulfillment: {
            methods: [
              {
                ...body.fulfillment.methods[0],
                groups: [{ id: group.id, selected_option_id: 'exp-ship-intl' }],
              },
            ],
          },
        },
      },
      'checkout',
    );
    expect(selected.status).toBe(200);
    const completed = await ucp(
      http,
      {
        method: 'POST',
        url: `/checkout-sessions/${id}/complete`,
        payload: {
          payment: {
            instruments: [
              {
                id: 'c1',
                handler_id: 'mock_payment_handler',
                type: 'card',
                credential: { type: 'card', number: '4242424242424242' },
              },
            ],
          },
        },
      },
      'checkout',
    );
    expect(completed.status).toBe(200);
    expect(completed.body.status).toBe('completed');
    expect(completed.body.payment.instruments[0]).not.toHaveProperty('credential');
  });

  it(`keeps one tenant's checkouts and orders from another's key; revoked keys fail [${kind}]`, async () => {
    const created = await ucp(http, {
      method: 'POST',
      url: '/checkout-sessions',
      payload: { line_items: [{ item: { id: 'pot_ceramic' }, quantity: 1 }] },
    });
    expect(created.status).toBe(201);
    const other = newTenantId();
    const key = await http.system.agentKeys.create(
      { tenantId: other, userId: 'admin', role: 'admin' },
      {},
    );
    if (!key.ok) throw new Error('no key');
    const as = { key: key.value.key };
    const id = created.body.id as string;
    const orderId = '01970000-0000-7000-8000-000000000001';
    for (const [method, url, payload] of [
      ['GET', `/checkout-sessions/${id}`, undefined],
      ['PUT', `/checkout-sessions/${id}`, { line_items: [] }],
      [
        'POST',
        `/checkout-sessions/${id}/complete`,
        { payment: { instruments: [{ id: 'i', handler_id: 'h', type: 'card' }] } },
      ],
      ['POST', `/checkout-sessions/${id}/cancel`, undefined],
      ['GET', `/orders/${orderId}`, undefined],
      ['PUT', `/orders/${orderId}`, {}],
    ] as const) {
      const answer = await ucp(http, { method, url, ...as, ...(payload ? { payload } : {}) });
      expect(answer.status, `${method} ${url}`).toBe(404);
    }
    await http.system.agentKeys.revoke(
      { tenantId: other, userId: 'admin', role: 'admin' },
      key.value.id,
    );
    expect(
      (await ucp(http, { method: 'GET', url: `/checkout-sessions/${id}`, ...as })).status,
    ).toBe(401);
  });
}

describeEachStore('UCP agent flow over HTTP', (store) => agentFlow('sql', store, false));

describe('UCP agent flow over HTTP [CHECKOUT_SESSION_STORE=dynamodb]', () => {
  let embedded: SqlStore | undefined;
  beforeAll(async () => {
    embedded = await openEmbedded({
      loadDataDir: new Blob([readFileSync(inject('pgliteSnapshot'))]),
    });
  });
  afterAll(async () => {
    await embedded?.close();
  });
  agentFlow(
    'dynamodb',
    () => {
      if (!embedded) throw new Error('embedded store not open');
      return embedded;
    },
    true,
  );
});
