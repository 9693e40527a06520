import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'vitest';

// biome-ignore lint/suspicious/noExplicitAny: tool results are read by path; the mapping is tested elsewhere.
type Structured = any;

export const MCP_TOOLS = [
  'cancel_checkout',
  'complete_checkout',
  'create_checkout',
  'get_checkout',
  'get_order',
  'lookup_catalog',
  'search_catalog',
  'update_checkout',
];

export async function call(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<Structured> {
  const result = await client.callTool({ name, arguments: args });
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  const text = (result.content as { type: string; text: string }[])[0];
  expect(text?.type).toBe('text');
  expect(text?.text.length).toBeGreaterThan(0);
  return result.structuredContent;
}

const DESTINATION = {
  street_address: '123 Main Street',
  address_locality: 'New York',
  address_region: 'NY',
  postal_code: '10001',
  address_country: 'US',
  first_name: 'Jane',
  last_name: 'Doe',
};

/** A whole purchase through the MCP tools; returns the completed checkout and its order. */
export async function purchaseOverMcp(client: Client, sku: string, quantity: number) {
  const tools = await client.listTools();
  expect(tools.tools.map((t) => t.name).sort()).toEqual(MCP_TOOLS);
  for (const tool of tools.tools) expect(tool.inputSchema.type).toBe('object');

  const found = await call(client, 'search_catalog', { catalog: { query: 'pot' } });
  expect(found.products.map((p: { id: string }) => p.id)).toContain('pot_ceramic');
  const checkout = {
    line_items: [{ item: { id: sku }, quantity }],
    buyer: { email: 'jane@example.com', first_name: 'Jane', last_name: 'Doe' },
    fulfillment: {
      methods: [
        {
          type: 'shipping',
          destinations: [{ ...DESTINATION, id: 'home' }],
          selected_destination_id: 'home',
        },
      ],
    },
  };
  const created = await call(client, 'create_checkout', { checkout });
  const method = created.fulfillment.methods[0];
  const option = method.groups[0].options[0].id;
  const updated = await call(client, 'update_checkout', {
    id: created.id,
    checkout: {
      ...checkout,
      fulfillment: {
        methods: [
          {
            id: method.id,
            type: 'shipping',
            destinations: method.destinations,
            selected_destination_id: method.selected_destination_id,
            groups: [{ id: method.groups[0].id, selected_option_id: option }],
          },
        ],
      },
    },
  });
  expect(updated.fulfillment.methods[0].groups[0].selected_option_id).toBe(option);
  const completed = await call(client, 'complete_checkout', {
    id: created.id,
    checkout: {
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
    },
  });
  expect(completed.status).toBe('completed');
  const order = await call(client, 'get_order', { id: completed.order.id });
  expect(order.id).toBe(completed.order.id);
  return { completed, order };
}
