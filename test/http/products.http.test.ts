import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/app/context.ts';
import { type Answer, useHttp } from '../support/http.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

interface Variant {
  variantId: string;
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
  sellerId: string | null;
  available: boolean;
  onHand?: number;
  reserved?: number;
}

interface Product {
  id: string;
  title: string;
  variants: Variant[];
}

interface ProductPage {
  items: Product[];
  nextCursor: string | null;
}

let counter = 0;
function productBody(overrides: Record<string, unknown> = {}) {
  counter++;
  return {
    sku: `HTTP-SKU-${counter}`,
    name: `Http product ${counter}`,
    priceCents: 1234 + counter,
    currency: 'USD',
    ...overrides,
  };
}

describeEachStore('products over HTTP', (store) => {
  const http = useHttp(store);

  const create = (tenant: string, body: unknown, role: Role = 'admin') =>
    http().as(tenant, 'staff-1', role).post<Product>('/api/admin/products', body);
  const list = (tenant: string, query = '') =>
    http().as(tenant, 'buyer-1').get<ProductPage>(`/api/products${query}`);
  const getOne = (tenant: string, id: string) =>
    http().as(tenant, 'buyer-1').get<Product>(`/api/products/${id}`);

  function expectError(answer: Answer<unknown>, status: number, code: string) {
    expect({ status: answer.status, error: answer.body.error }).toEqual({ status, error: code });
  }

  it('lets an admin create a one-variant product (the flat shape) that is then listed and readable', async () => {
    const tenant = newTenantId();
    const body = productBody({ onHand: 7, sellerId: 'seller-1' });
    const created = await create(tenant, body);
    expect(created.status).toBe(201);
    const [variant] = created.body.data.variants;
    expect(variant).toMatchObject({ ...body, reserved: 0, available: true });
    expect(created.body.data.id).toMatch(/^[0-9a-f-]{36}$/);
    // The product of one flat variant takes its id, as the migration gave existing variants.
    expect(variant?.variantId).toBe(created.body.data.id);
    expect(created.body.data.title).toBe(body.name);

    // A buyer sees the same product without the stock counts.
    const { onHand: _onHand, reserved: _reserved, ...buyerVariant } = variant as Variant;
    const buyerView = { ...created.body.data, variants: [buyerVariant] };
    const listed = await list(tenant);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual({ items: [buyerView], nextCursor: null });
    const one = await getOne(tenant, created.body.data.id);
    expect(one.body.data).toEqual(buyerView);
  });

  it('defaults a product to house brand with no stock', async () => {
    const created = await create(newTenantId(), productBody());
    expect(created.body.data.variants[0]).toMatchObject({
      sellerId: null,
      onHand: 0,
      available: false,
    });
  });

  it.each<Role>(['user', 'seller'])(
    'answers 403 FORBIDDEN when a %s creates a product',
    async (role) => {
      const tenant = newTenantId();
      const answer = await create(tenant, productBody(), role);
      expectError(answer, 403, 'FORBIDDEN');
      expect((await list(tenant)).body.data.items).toEqual([]);
    },
  );

  it('refuses a duplicate SKU in one tenant with 409, and allows it in another', async () => {
    const tenant = newTenantId();
    const body = productBody();
    expect((await create(tenant, body)).status).toBe(201);
    const again = await create(tenant, { ...body, name: 'Another name' });
    expectError(again, 409, 'SKU_ALREADY_EXISTS');
    expect(again.body.details).toMatchObject({ field: 'sku' });
    expect((await list(tenant)).body.data.items.map((p) => p.title)).toEqual([body.name]);
    expect((await create(newTenantId(), body)).status).toBe(201);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['a negative price', { priceCents: -1 }, 'body.priceCents'],
    ['a float price', { priceCents: 19.99 }, 'body.priceCents'],
    ['a price as a string', { priceCents: '1999' }, 'body.priceCents'],
    ['a lower-case currency', { currency: 'usd' }, 'body.currency'],
    ['a four-letter currency', { currency: 'USDT' }, 'body.currency'],
    ['a missing name', { name: undefined }, 'body.name'],
    ['a blank name', { name: '   ' }, 'body.name'],
    ['a SKU with spaces', { sku: 'NO SPACES' }, 'body.sku'],
    ['negative stock', { onHand: -5 }, 'body.onHand'],
  ];
  it.each(invalid)('answers 400 naming the field for %s', async (_, overrides, field) => {
    const tenant = newTenantId();
    const answer = await create(tenant, productBody(overrides));
    expectError(answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.details).toEqual({ field });
    expect((await list(tenant)).body.data.items).toEqual([]);
  });

  it('refuses a body with a field the schema does not know', async () => {
    const answer = await create(newTenantId(), productBody({ reserved: 3 }));
    expectError(answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.details?.field).toMatch(/^body/);
  });

  describe('pagination', () => {
    it.each([
      [5, [2, 2, 1]],
      [4, [2, 2]],
    ])('walks %i products with limit=2 in pages of %j, each exactly once', async (count, sizes) => {
      const tenant = newTenantId();
      const created = await http().seedProducts(
        tenant,
        ...Array.from({ length: count }, () => ({})),
      );
      const pages: ProductPage[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor === null ? '?limit=2' : `?limit=2&cursor=${cursor}`;
        const page = await list(tenant, query);
        expect(page.status).toBe(200);
        pages.push(page.body.data);
        cursor = page.body.data.nextCursor;
      } while (cursor !== null && pages.length < 10);

      expect(pages.map((p) => p.items.length)).toEqual(sizes);
      const ids = pages.flatMap((p) => p.items.map((item) => item.id));
      expect(ids).toEqual([...ids].sort());
      expect([...ids].sort()).toEqual(created.map((p) => p.id).sort());
    });

    it.each([
      ['limit=0', 'querystring.limit'],
      ['limit=101', 'querystring.limit'],
      ['limit=two', 'querystring.limit'],
      ['after=x', 'querystring.after'],
      ['cursor=not-a-cursor', 'cursor'],
    ])('answers 400 naming the field for ?%s', async (query, field) => {
      const answer = await list(newTenantId(), `?${query}`);
      expectError(answer, 400, 'VALIDATION_FAILED');
      expect(answer.body.details).toEqual({ field });
    });
  });

  it('answers 404 PRODUCT_NOT_FOUND for an unknown product id', async () => {
    const tenant = newTenantId();
    const unknown = '01930000-0000-7000-8000-0000deadbeef';
    expectError(await getOne(tenant, unknown), 404, 'PRODUCT_NOT_FOUND');
    const answer = await getOne(tenant, 'not-a-uuid');
    expectError(answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.details).toEqual({ field: 'params.id' });
  });
});
