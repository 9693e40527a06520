import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AcpApp, agentKey, openAcpApp } from '../acp/support/acp-http.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';
import { seedFlowerShop } from '../ucp/support/flower-shop.ts';
import { purchaseOverMcp } from './purchase.ts';

describeEachStore('MCP server over Streamable HTTP', (store) => {
  const tenant = newTenantId();
  let h: AcpApp;
  let url: URL;
  let key: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    h = await openAcpApp(store(), tenant);
    await seedFlowerShop(h.system, tenant);
    key = await agentKey(h.system, tenant);
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    url = new URL(`http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}/mcp`);
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await h?.close();
  });

  async function connect(bearer: string): Promise<Client> {
    const client = new Client({ name: 'test-assistant', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(url, {
      requestInit: { headers: { authorization: `Bearer ${bearer}` } },
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  it('lists the tools and completes a purchase with the SDK client', async () => {
    const client = await connect(key);
    const { completed } = await purchaseOverMcp(client, 'pot_ceramic', 2);
    expect(completed.line_items[0]).toMatchObject({ item: { id: 'pot_ceramic' }, quantity: 2 });
  });

  it('returns tool errors with the REST codes', async () => {
    const client = await connect(key);
    const missing = await client.callTool({ name: 'get_checkout', arguments: { id: 'nope' } });
    expect(missing.isError).toBe(true);
    expect(missing.structuredContent).toMatchObject({ error: 'CHECKOUT_SESSION_NOT_FOUND' });
    const bad = await client.callTool({
      name: 'create_checkout',
      arguments: { checkout: { line_items: [{ item: { id: 'ghost' }, quantity: 1 }] } },
    });
    expect(bad.structuredContent).toMatchObject({ error: 'VARIANT_NOT_FOUND' });
  });

  it('replays a create under the same meta idempotency-key and refuses other arguments', async () => {
    const client = await connect(key);
    const meta = { 'idempotency-key': crypto.randomUUID() };
    const checkout = { line_items: [{ item: { id: 'pot_ceramic' }, quantity: 1 }] };
    const first = await client.callTool({ name: 'create_checkout', arguments: { meta, checkout } });
    const again = await client.callTool({ name: 'create_checkout', arguments: { meta, checkout } });
    expect(first.isError).toBeFalsy();
    expect((again.structuredContent as { id: string }).id).toBe(
      (first.structuredContent as { id: string }).id,
    );
    const other = await client.callTool({
      name: 'create_checkout',
      arguments: { meta, checkout: { line_items: [{ item: { id: 'pot_ceramic' }, quantity: 2 }] } },
    });
    expect(other.isError).toBe(true);
    expect(other.structuredContent).toMatchObject({ error: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('refuses a wrong or missing key', async () => {
    await expect(connect('osk_wrong_key')).rejects.toThrow();
    const answer = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(answer.status).toBe(401);
  });

  it("does not show another tenant's checkout", async () => {
    const mine = await connect(key);
    const created = await mine.callTool({
      name: 'create_checkout',
      arguments: { checkout: { line_items: [{ item: { id: 'pot_ceramic' }, quantity: 1 }] } },
    });
    const id = (created.structuredContent as { id: string }).id;
    const stranger = await connect(await agentKey(h.system, newTenantId()));
    const seen = await stranger.callTool({ name: 'get_checkout', arguments: { id } });
    expect(seen.structuredContent).toMatchObject({ error: 'CHECKOUT_SESSION_NOT_FOUND' });
  });
});
