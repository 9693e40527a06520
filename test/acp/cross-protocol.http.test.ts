import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Order } from '../../src/domain/order/types.ts';
import { purchaseOverMcp } from '../mcp/purchase.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';
import { seedFlowerShop } from '../ucp/support/flower-shop.ts';
import { type AcpApp, acp, agentKey, openAcpApp } from './support/acp-http.ts';

const SKU = 'pot_ceramic';
const QUANTITY = 2;
const UCP_AGENT = 'profile="https://platform.example/profiles/agent.json"';

describeEachStore('One purchase through UCP, ACP and MCP', (store) => {
  const tenant = newTenantId();
  let h: AcpApp;
  let key: string;

  beforeAll(async () => {
    h = await openAcpApp(store(), tenant);
    await seedFlowerShop(h.system, tenant);
    key = await agentKey(h.system, tenant);
    await h.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function ucp(method: 'POST' | 'PUT', url: string, payload: unknown) {
    const response = await h.app.inject({
      method,
      url,
      payload: payload as Record<string, unknown>,
      headers: {
        authorization: `Bearer ${key}`,
        'ucp-agent': UCP_AGENT,
        'idempotency-key': crypto.randomUUID(),
      },
    });
    expect(response.statusCode, response.body).toBeLessThan(300);
    // biome-ignore lint/suspicious/noExplicitAny: read by path.
    return response.json() as any;
  }

  async function viaUcp(): Promise<string> {
    const destination = {
      id: 'home',
      street_address: '123 Main Street',
      address_locality: 'New York',
      address_region: 'NY',
      postal_code: '10001',
      address_country: 'US',
      first_name: 'Jane',
      last_name: 'Doe',
    };
    const checkout = {
      line_items: [{ item: { id: SKU }, quantity: QUANTITY }],
      buyer: { email: 'jane@example.com', first_name: 'Jane', last_name: 'Doe' },
      fulfillment: {
        methods: [
          { type: 'shipping', destinations: [destination], selected_destination_id: 'home' },
        ],
      },
    };
    const created = await ucp('POST', '/checkout-sessions', checkout);
    const method = created.fulfillment.methods[0];
    await ucp('PUT', `/checkout-sessions/${created.id}`, {
      ...checkout,
      line_items: created.line_items.map(
        (l: { id: string; item: { id: string }; quantity: number }) => ({
          id: l.id,
          item: { id: l.item.id },
          quantity: l.quantity,
        }),
      ),
      fulfillment: {
        methods: [
          {
            id: method.id,
            type: 'shipping',
            destinations: method.destinations,
            selected_destination_id: 'home',
            groups: [
              { id: method.groups[0].id, selected_option_id: method.groups[0].options[0].id },
            ],
          },
        ],
      },
    });
    const done = await ucp('POST', `/checkout-sessions/${created.id}/complete`, {
      payment: {
        instruments: [
          {
            id: 'pi_1',
            handler_id: 'mock_payment_handler',
            type: 'card',
            credential: { type: 'token', token: 'success_token' },
          },
        ],
      },
    });
    expect(done.status).toBe('completed');
    return done.order.id;
  }

  async function viaAcp(): Promise<string> {
    const created = await acp(h, {
      method: 'POST',
      url: '/checkout_sessions',
      key,
      payload: { line_items: [{ id: SKU, quantity: QUANTITY }] },
    });
    const addressed = await acp(h, {
      method: 'POST',
      url: `/checkout_sessions/${created.body.id}`,
      key,
      payload: {
        buyer: { email: 'jane@example.com', first_name: 'Jane', last_name: 'Doe' },
        fulfillment_details: {
          name: 'Jane Doe',
          address: {
            name: 'Jane Doe',
            line_one: '123 Main Street',
            city: 'New York',
            state: 'NY',
            country: 'US',
            postal_code: '10001',
          },
        },
      },
    });
    await acp(h, {
      method: 'POST',
      url: `/checkout_sessions/${created.body.id}`,
      key,
      payload: {
        selected_fulfillment_options: [
          {
            type: 'shipping',
            option_id: addressed.body.fulfillment_options[0].id,
            item_ids: [addressed.body.line_items[0].id],
          },
        ],
      },
    });
    const done = await acp(
      h,
      {
        method: 'POST',
        url: `/checkout_sessions/${created.body.id}/complete`,
        key,
        payload: {
          payment_data: {
            handler_id: 'mock_payment_handler',
            instrument: { type: 'card', credential: { type: 'spt', token: 'success_token' } },
          },
        },
      },
      'CheckoutSessionWithOrder',
    );
    return done.body.order.id;
  }

  async function viaMcp(): Promise<string> {
    const port = (h.app.server.address() as AddressInfo).port;
    const client = new Client({ name: 'assistant', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${key}` } },
      }),
    );
    try {
      const { completed } = await purchaseOverMcp(client, SKU, QUANTITY);
      return completed.order.id;
    } finally {
      await client.close();
    }
  }

  const comparable = (order: Order) => ({
    status: order.status,
    currency: order.currency,
    items: order.items.map(({ sku, unitPriceCents, quantity, lineTotalCents }) => ({
      sku,
      unitPriceCents,
      quantity,
      lineTotalCents,
    })),
    totals: order.totals,
    shippingAddress: order.shippingAddress,
    email: order.customer.email,
  });

  it('gives equal orders and takes the same stock', async () => {
    const admin = { tenantId: tenant, userId: 'admin', role: 'admin' as const };
    const variant = async () => {
      const page = await h.system.productSearch.lookup(admin, [SKU]);
      if (!page.ok || !page.value[0]) throw new Error('no product');
      const product = await h.system.catalog.getVariant(admin, page.value[0].id);
      if (!product.ok) throw new Error('no product');
      return product.value;
    };
    const orders: Order[] = [];
    for (const buy of [viaUcp, viaAcp, viaMcp]) {
      const before = await variant();
      const id = await buy();
      const after = await variant();
      expect([before.onHand - after.onHand, after.reserved - before.reserved], buy.name).toEqual([
        QUANTITY,
        0,
      ]);
      const order = await h.system.orderRepository.findOrder(tenant, id);
      if (!order) throw new Error(`no order ${id}`);
      orders.push(order);
    }
    const [ucpOrder, acpOrder, mcpOrder] = orders.map((order) => comparable(order));
    expect(ucpOrder?.status).toBe('paid');
    expect(acpOrder).toEqual(ucpOrder);
    expect(mcpOrder).toEqual(ucpOrder);
  });
});
