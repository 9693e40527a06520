import { describe, expect, it } from 'vitest';
import { ctxFor } from '../support/fixtures.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';
import { isValidUcp } from './support/schemas.ts';
import { openUcpHttp, SIMULATION_SECRET, ucp, ucpConfig } from './support/ucp-http.ts';

describe('the schema oracle', () => {
  it('refuses a checkout without payment instruments list shape and accepts an error response', () => {
    expect(isValidUcp('checkout', { id: 'x' })).toBe(false);
    expect(
      isValidUcp('error', {
        ucp: { version: '2026-04-08', status: 'error' },
        messages: [{ type: 'error', code: 'not_found', content: 'x', severity: 'unrecoverable' }],
      }),
    ).toBe(true);
  });
});

describeEachStore('UCP discovery, agents and catalog', (store) => {
  it('serves the business profile: version, REST endpoint, capabilities, payment handlers', async () => {
    const http = await openUcpHttp(store(), ucpConfig(newTenantId()));
    const answer = await ucp(http, { method: 'GET', url: '/.well-known/ucp' }, 'discovery');
    expect(answer.status).toBe(200);
    const profile = answer.body.ucp;
    expect(profile.version).toBe('2026-04-08');
    expect(profile.services['dev.ucp.shopping'][0]).toMatchObject({
      transport: 'rest',
      endpoint: 'http://merchant.test/',
      version: '2026-04-08',
    });
    for (const name of ['checkout', 'order', 'discount', 'fulfillment', 'buyer_consent']) {
      expect(profile.capabilities).toHaveProperty([`dev.ucp.shopping.${name}`]);
    }
    const handlers = Object.values(profile.payment_handlers).flat() as { id: string }[];
    expect(handlers.map((h) => h.id)).toContain('mock_payment_handler');
    await http.close();
  });

  it('names the sandbox handler as UCP_PAYMENT_HANDLER_ID says', async () => {
    const config = ucpConfig(newTenantId());
    const http = await openUcpHttp(store(), {
      ...config,
      agents: { ...config.agents, paymentHandlerId: 'sandbox_handler' },
    });
    const answer = await ucp(http, { method: 'GET', url: '/.well-known/ucp' }, 'discovery');
    const handlers = Object.values(answer.body.ucp.payment_handlers).flat() as { id: string }[];
    expect(handlers.map((h) => h.id)).toEqual(['sandbox_handler']);
    await http.close();
  });

  it('refuses an unsupported UCP version with 422 and accepts the advertised one', async () => {
    const http = await openUcpHttp(store(), ucpConfig(newTenantId()));
    const search = (agent: string) =>
      ucp(http, {
        method: 'POST',
        url: '/catalog/search',
        payload: {},
        headers: { 'ucp-agent': agent },
      });
    expect((await search('profile="..."; version="2099-01-01"')).status).toBe(422);
    expect((await search('profile="...", version="2099-01-01"')).status).toBe(422);
    expect((await search('profile="..."; version="2026-04-08"')).status).toBe(200);
    expect((await search('not a dictionary ((')).status).toBe(400);
    await http.close();
  });

  it('authenticates agents by key; anonymous only where the tenant allows it; revoked keys fail', async () => {
    const demo = newTenantId();
    const other = newTenantId();
    const http = await openUcpHttp(store(), ucpConfig(demo));
    const search = (key?: string) =>
      ucp(http, { method: 'POST', url: '/catalog/search', payload: {}, ...(key ? { key } : {}) });
    // The default (demo) tenant serves anonymous agents until told not to.
    expect((await search()).status).toBe(200);
    const admin = http.as(demo, 'admin-1', 'admin');
    expect((await admin.put('/api/admin/settings/agents', { allowAnonymous: false })).status).toBe(
      200,
    );
    expect((await search()).status).toBe(401);

    const created = await http
      .as(other, 'admin-1', 'admin')
      .post<{ id: string; key: string }>('/api/admin/agent-keys', { label: 'platform' });
    expect(created.status).toBe(201);
    const { key, id } = created.body.data;
    expect(key).toMatch(/^osk_/);
    expect((await search(key)).status).toBe(200);
    expect((await search(`${key.slice(0, -1)}x`)).status).toBe(401);
    expect((await search('osk_nobody_notakey')).status).toBe(401);

    const listed = await http
      .as(other, 'admin-1', 'admin')
      .get<{ id: string }[]>('/api/admin/agent-keys');
    expect(listed.body.data.map((k) => k.id)).toEqual([id]);
    expect(JSON.stringify(listed.body)).not.toContain(key);
    // Another tenant's admin cannot revoke it; a buyer may not manage keys at all.
    expect((await admin.delete(`/api/admin/agent-keys/${id}`)).status).toBe(404);
    expect((await http.as(other, 'bob').post('/api/admin/agent-keys', {})).status).toBe(403);
    const revoked = await http.as(other, 'admin-1', 'admin').delete(`/api/admin/agent-keys/${id}`);
    expect(revoked.status).toBe(200);
    expect((await search(key)).status).toBe(401);
    await http.close();
  });

  it('searches and looks up the catalog in UCP shapes, only the caller tenant products', async () => {
    const tenant = newTenantId();
    const http = await openUcpHttp(store(), ucpConfig(tenant));
    await http.seedProducts(
      tenant,
      { sku: `roses-${tenant}`, name: 'Bouquet of Red Roses', priceCents: 3500, onHand: 10 },
      { sku: `tulips-${tenant}`, name: 'Spring Tulips', priceCents: 3000, onHand: 0 },
    );
    const foreign = newTenantId();
    await http.seedProducts(foreign, { sku: `roses-x-${foreign}`, name: 'Foreign Roses' });

    const found = await ucp(
      http,
      { method: 'POST', url: '/catalog/search', payload: { query: 'red ROSES' } },
      'search',
    );
    expect(found.body.products).toHaveLength(1);
    expect(found.body.products[0]).toMatchObject({
      id: `roses-${tenant}`,
      title: 'Bouquet of Red Roses',
      price_range: { min: { amount: 3500, currency: 'USD' } },
    });
    const all = await ucp(
      http,
      { method: 'POST', url: '/catalog/search', payload: { pagination: { limit: 1 } } },
      'search',
    );
    expect(all.body.products).toHaveLength(1);
    expect(all.body.pagination.has_next_page).toBe(true);
    const next = await ucp(
      http,
      {
        method: 'POST',
        url: '/catalog/search',
        payload: { pagination: { limit: 1, cursor: all.body.pagination.cursor } },
      },
      'search',
    );
    expect(next.body.products[0].variants[0].availability.available).toBe(false);
    expect(next.body.pagination.has_next_page).toBe(false);

    const lookup = await ucp(
      http,
      {
        method: 'POST',
        url: '/catalog/lookup',
        payload: { ids: [`tulips-${tenant}`, 'pink_wumpus', `roses-x-${foreign}`] },
      },
      'lookup',
    );
    expect(lookup.body.products.map((p: { id: string }) => p.id)).toEqual([`tulips-${tenant}`]);
    expect(lookup.body.messages).toHaveLength(2);
    expect(
      (await ucp(http, { method: 'POST', url: '/catalog/lookup', payload: { ids: [] } })).status,
    ).toBe(400);
    await http.close();
  });

  it('simulates shipping only with the right Simulation-Secret', async () => {
    const tenant = newTenantId();
    const http = await openUcpHttp(store(), ucpConfig(tenant));
    const url = '/testing/simulate-shipping/01930000-0000-7000-8000-000000000000';
    expect((await ucp(http, { method: 'POST', url })).status).toBe(403);
    expect(
      (await ucp(http, { method: 'POST', url, headers: { 'simulation-secret': 'wrong' } })).status,
    ).toBe(403);
    expect(
      (
        await ucp(http, {
          method: 'POST',
          url,
          headers: { 'simulation-secret': SIMULATION_SECRET },
        })
      ).status,
    ).toBe(404);
    await http.close();

    const config = ucpConfig(tenant);
    const without = await openUcpHttp(store(), {
      ...config,
      agents: { ...config.agents, simulationSecret: undefined },
    });
    const absent = await without.app.inject({
      method: 'POST',
      url,
      headers: { 'simulation-secret': SIMULATION_SECRET },
    });
    expect(absent.statusCode).toBe(404);
    await without.close();
  });

  it('lets the CLI context create keys (internal role)', async () => {
    const tenant = newTenantId();
    const http = await openUcpHttp(store(), ucpConfig(newTenantId()));
    const created = await http.system.agentKeys.create(ctxFor(tenant, 'cli', 'internal'), {});
    expect(created.ok).toBe(true);
    await http.close();
  });
});
