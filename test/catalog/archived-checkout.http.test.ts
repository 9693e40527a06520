import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { ADDRESS } from '../support/fixtures.ts';
import { useHttp } from '../support/http.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';
import { createProduct, expectError, teeBody, type VariantView } from './support.ts';

interface Session {
  id: string;
  state: string;
  version: number;
}

interface Checkout {
  orders: { id: string; items: { variantId: string; name: string; unitPriceCents: number }[] }[];
}

describeEachStore('an archived variant cannot be bought', (store) => {
  const http = useHttp(store);
  const admin = (tenant: string) => http().as(tenant, 'staff-1', 'admin');
  const buyer = (tenant: string) => http().as(tenant, 'buyer-1');

  /** What a refused checkout must not have written, for one tenant. */
  async function footprint(tenant: string) {
    const { rows } = await sql<Record<string, number>>`
      SELECT
        (SELECT count(*) FROM orders WHERE tenant_id = ${tenant})::int AS orders,
        (SELECT count(*) FROM stock_reservations WHERE tenant_id = ${tenant})::int AS reservations,
        (SELECT coalesce(sum(reserved), 0) FROM product_variants WHERE tenant_id = ${tenant})::int AS reserved,
        (SELECT count(*) FROM outbox WHERE tenant_id = ${tenant})::int AS events,
        (SELECT count(*) FROM idempotency_keys WHERE tenant_id = ${tenant} AND result IS NOT NULL)::int AS keys
    `.execute(http().system.store.db);
    return rows[0];
  }

  async function shop() {
    const tenant = newTenantId();
    const product = await createProduct(admin(tenant), teeBody());
    const [kept, gone] = product.variants as [VariantView, VariantView];
    return { tenant, product, kept, gone };
  }

  const order = (variantIds: string[]) => ({
    items: variantIds.map((variantId) => ({ variantId, quantity: 1 })),
    shippingAddress: ADDRESS,
    idempotencyKey: randomUUID(),
  });

  it('refuses POST /api/orders naming an archived variant with 409 VARIANT_ARCHIVED, writing nothing', async () => {
    const { tenant, kept, gone } = await shop();
    await admin(tenant).patch(`/api/admin/variants/${gone.variantId}`, { status: 'archived' });
    const before = await footprint(tenant);
    const answer = await buyer(tenant).post('/api/orders', order([kept.variantId, gone.variantId]));
    expectError(answer, 409, 'VARIANT_ARCHIVED');
    expect(answer.body.details).toMatchObject({ variantId: gone.variantId, sku: gone.sku });
    expect(await footprint(tenant)).toEqual(before);
    // The variant that is still active sells alone.
    const alone = await buyer(tenant).post('/api/orders', order([kept.variantId]));
    expect(alone.status).toBe(201);
  });

  it('refuses every variant of an archived product', async () => {
    const { tenant, product, kept } = await shop();
    await admin(tenant).post(`/api/admin/products/${product.id}/archive`);
    const before = await footprint(tenant);
    expectError(
      await buyer(tenant).post('/api/orders', order([kept.variantId])),
      409,
      'VARIANT_ARCHIVED',
    );
    expect(await footprint(tenant)).toEqual(before);
  });

  it('refuses a session submit whose item was archived after it was added; the session stays ready', async () => {
    const { tenant, gone } = await shop();
    const client = buyer(tenant);
    const begun = await client.post<Session>('/api/sessions', {});
    const id = begun.body.data.id;
    expect(
      (await client.post(`/api/sessions/${id}/items`, { variantId: gone.variantId, quantity: 1 }))
        .status,
    ).toBe(200);
    expect(
      (await client.put(`/api/sessions/${id}/shipping`, { shippingAddress: ADDRESS })).status,
    ).toBe(200);
    const ready = await client.put<Session>(`/api/sessions/${id}/payment-method`, {
      paymentMethod: 'sandbox',
    });
    expect(ready.body.data.state).toBe('READY_TO_SUBMIT');
    await admin(tenant).patch(`/api/admin/variants/${gone.variantId}`, { status: 'archived' });
    const before = await footprint(tenant);
    expectError(await client.post(`/api/sessions/${id}/submit`), 409, 'VARIANT_ARCHIVED');
    expect(await footprint(tenant)).toEqual(before);
    const after = await client.get<Session>(`/api/sessions/${id}`);
    expect(after.body.data).toMatchObject({
      state: 'READY_TO_SUBMIT',
      version: ready.body.data.version,
    });
  });

  it('refuses adding an archived variant to a session', async () => {
    const { tenant, gone } = await shop();
    await admin(tenant).patch(`/api/admin/variants/${gone.variantId}`, { status: 'archived' });
    const begun = await buyer(tenant).post<Session>('/api/sessions', {});
    const added = await buyer(tenant).post(`/api/sessions/${begun.body.data.id}/items`, {
      variantId: gone.variantId,
      quantity: 1,
    });
    expectError(added, 409, 'VARIANT_ARCHIVED');
  });

  it('keeps a placed order’s snapshot when its product is renamed, repriced and archived', async () => {
    const { tenant, product, kept } = await shop();
    const placed = await buyer(tenant).post<Checkout>('/api/orders', order([kept.variantId]));
    expect(placed.status).toBe(201);
    const orderId = placed.body.data.orders[0]?.id;
    await admin(tenant).patch(`/api/admin/variants/${kept.variantId}`, {
      priceCents: 1,
      name: 'Renamed',
    });
    await admin(tenant).patch(`/api/admin/products/${product.id}`, { title: 'Renamed tee' });
    await admin(tenant).post(`/api/admin/products/${product.id}/archive`);
    const read = await buyer(tenant).get<Checkout['orders'][number]>(`/api/orders/${orderId}`);
    expect(read.status).toBe(200);
    expect(read.body.data.items).toEqual([
      expect.objectContaining({
        variantId: kept.variantId,
        name: kept.name,
        unitPriceCents: kept.priceCents,
      }),
    ]);
  });
});
