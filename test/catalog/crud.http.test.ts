import { expect, it } from 'vitest';
import { useHttp } from '../support/http.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';
import {
  createProduct,
  expectError,
  type ProductPage,
  type ProductView,
  sku,
  teeBody,
  type VariantView,
} from './support.ts';

describeEachStore('catalog: products with variants over HTTP', (store) => {
  const http = useHttp(store);
  const admin = (tenant: string) => http().as(tenant, 'staff-1', 'admin');
  const buyer = (tenant: string) => http().as(tenant, 'buyer-1');

  it('creates a product with options, images and a category; names variants from their options', async () => {
    const tenant = newTenantId();
    const body = teeBody();
    const product = await createProduct(admin(tenant), body);
    expect(product).toMatchObject({
      title: 'Classic tee',
      images: body.images,
      category: 'Apparel',
      optionNames: ['size', 'colour'],
      status: 'active',
    });
    expect(product.variants.map((v) => [v.sku, v.name, v.onHand, v.reserved, v.available])).toEqual(
      [
        [body.variants[0]?.sku, 'Classic tee (M, black)', 10, 0, true],
        [body.variants[1]?.sku, 'Classic tee (L, black)', 0, 0, false],
        [body.variants[2]?.sku, 'Classic tee (M, white)', 5, 0, true],
      ],
    );
    expect(new Set(product.variants.map((v) => v.productId))).toEqual(new Set([product.id]));
  });

  it('shows a buyer whether a variant is available, never its stock counts', async () => {
    const tenant = newTenantId();
    const product = await createProduct(admin(tenant), teeBody());
    const one = await buyer(tenant).get<ProductView>(`/api/products/${product.id}`);
    const listed = await buyer(tenant).get<ProductPage>('/api/products');
    const variant = await buyer(tenant).get<VariantView>(
      `/api/variants/${product.variants[0]?.variantId}`,
    );
    for (const variants of [one.body.data.variants, listed.body.data.items[0]?.variants ?? []]) {
      expect(variants.map((v) => v.available)).toEqual([true, false, true]);
      for (const v of variants)
        expect(Object.keys(v)).not.toEqual(expect.arrayContaining(['onHand']));
      for (const v of variants) expect(v).not.toHaveProperty('reserved');
    }
    expect(variant.body.data).not.toHaveProperty('onHand');
    expect(variant.body.data.available).toBe(true);
  });

  it.each<[string, (b: ReturnType<typeof teeBody>) => unknown, string]>([
    [
      'an option the product does not name',
      (b) => ({ ...b, optionNames: ['size'] }),
      'body.variants.0.options',
    ],
    [
      'a variant without a value for an option',
      (b) => ({ ...b, optionNames: ['size', 'colour', 'fit'] }),
      'body.variants.0.options',
    ],
    [
      'two variants with the same options',
      (b) => ({ ...b, variants: [b.variants[0], { ...b.variants[0], sku: sku('DUP') }] }),
      'body.variants.1.options',
    ],
    [
      'two variants with one SKU',
      (b) => ({ ...b, variants: [b.variants[0], { ...b.variants[1], sku: b.variants[0]?.sku }] }),
      'body.variants.1.sku',
    ],
    ['no variant', (b) => ({ ...b, variants: [] }), 'body.variants'],
    [
      'an image that is not an http(s) URL',
      (b) => ({ ...b, images: ['javascript:alert(1)'] }),
      'body.images.0',
    ],
    [
      'a variant without a price',
      (b) => ({ ...b, variants: [{ ...b.variants[0], priceCents: undefined }] }),
      'body.variants.0.priceCents',
    ],
  ])('refuses %s with 400 naming the field, writing nothing', async (_, change, field) => {
    const tenant = newTenantId();
    const answer = await admin(tenant).post('/api/admin/products', change(teeBody()));
    expectError(answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.details).toEqual({ field });
    const listed = await admin(tenant).get<ProductPage>('/api/products?status=any');
    expect(listed.body.data.items).toEqual([]);
  });

  it('refuses a product one of whose SKUs is taken, and writes none of it', async () => {
    const tenant = newTenantId();
    const first = await createProduct(admin(tenant), teeBody());
    const body = teeBody();
    const clash = {
      ...body,
      variants: [body.variants[0], { ...body.variants[1], sku: first.variants[2]?.sku }],
    };
    const answer = await admin(tenant).post('/api/admin/products', clash);
    expectError(answer, 409, 'SKU_ALREADY_EXISTS');
    expect(answer.body.details).toMatchObject({ sku: first.variants[2]?.sku });
    const listed = await admin(tenant).get<ProductPage>('/api/products?status=any');
    expect(listed.body.data.items.map((p) => p.id)).toEqual([first.id]);
    // The first variant of the refused product was not left behind either.
    const bySku = await admin(tenant).get<ProductPage>(
      `/api/products/search?sku=${body.variants[0]?.sku}&status=any`,
    );
    expect(bySku.body.data.items).toEqual([]);
  });

  it('updates a product’s words, images and category', async () => {
    const tenant = newTenantId();
    const product = await createProduct(admin(tenant), teeBody());
    const patch = {
      title: 'Organic tee',
      description: 'Now in organic cotton.',
      images: ['https://images.example.com/organic.jpg'],
      category: null,
    };
    const updated = await admin(tenant).patch<ProductView>(
      `/api/admin/products/${product.id}`,
      patch,
    );
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject(patch);
    const read = await buyer(tenant).get<ProductView>(`/api/products/${product.id}`);
    expect(read.body.data).toMatchObject(patch);
    expectError(
      await admin(tenant).patch(`/api/admin/products/${product.id}`, {}),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await admin(newTenantId()).patch(`/api/admin/products/${product.id}`, { title: 'x' }),
      404,
      'PRODUCT_NOT_FOUND',
    );
  });

  it('archives a product: its variants go with it, buyers no longer see it, admins do; restoring brings all back', async () => {
    const tenant = newTenantId();
    const product = await createProduct(admin(tenant), teeBody());
    const archived = await admin(tenant).post<ProductView>(
      `/api/admin/products/${product.id}/archive`,
    );
    expect(archived.status).toBe(200);
    expect(archived.body.data.status).toBe('archived');
    expect(archived.body.data.variants.map((v) => [v.status, v.available])).toEqual([
      ['archived', false],
      ['archived', false],
      ['archived', false],
    ]);
    expectError(await buyer(tenant).get(`/api/products/${product.id}`), 404, 'PRODUCT_NOT_FOUND');
    expectError(
      await buyer(tenant).get(`/api/variants/${product.variants[0]?.variantId}`),
      404,
      'VARIANT_NOT_FOUND',
    );
    expect((await buyer(tenant).get<ProductPage>('/api/products')).body.data.items).toEqual([]);
    expectError(await buyer(tenant).get('/api/products?status=archived'), 403, 'FORBIDDEN');
    const adminList = await admin(tenant).get<ProductPage>('/api/products?status=archived');
    expect(adminList.body.data.items.map((p) => p.id)).toEqual([product.id]);

    const restored = await admin(tenant).patch<ProductView>(`/api/admin/products/${product.id}`, {
      status: 'active',
    });
    expect(restored.body.data.variants.map((v) => v.status)).toEqual([
      'active',
      'active',
      'active',
    ]);
    expect((await buyer(tenant).get<ProductPage>('/api/products')).body.data.items).toHaveLength(1);
  });

  it('archives one variant: buyers see the product without it; it cannot be restored under an archived product', async () => {
    const tenant = newTenantId();
    const product = await createProduct(admin(tenant), teeBody());
    const [first, second] = product.variants as [VariantView, VariantView];
    const archived = await admin(tenant).patch<VariantView>(
      `/api/admin/variants/${second.variantId}`,
      {
        status: 'archived',
      },
    );
    expect(archived.body.data).toMatchObject({ status: 'archived', available: false });
    const seen = await buyer(tenant).get<ProductView>(`/api/products/${product.id}`);
    expect(seen.body.data.variants.map((v) => v.variantId)).not.toContain(second.variantId);
    expect(seen.body.data.variants.map((v) => v.variantId)).toContain(first.variantId);

    await admin(tenant).post(`/api/admin/products/${product.id}/archive`);
    expectError(
      await admin(tenant).patch(`/api/admin/variants/${first.variantId}`, { status: 'active' }),
      409,
      'PRODUCT_ARCHIVED',
    );
  });

  it('changes a variant’s price and name, and sets its stock by variantId', async () => {
    const tenant = newTenantId();
    const product = await createProduct(admin(tenant), teeBody());
    const id = product.variants[0]?.variantId;
    const changed = await admin(tenant).patch<VariantView>(`/api/admin/variants/${id}`, {
      priceCents: 1799,
      name: 'Tee M black',
    });
    expect(changed.body.data).toMatchObject({ priceCents: 1799, name: 'Tee M black' });
    const stocked = await admin(tenant).put<VariantView>(`/api/admin/variants/${id}/stock`, {
      onHand: 42,
    });
    expect(stocked.body.data).toMatchObject({ onHand: 42, reserved: 0, available: true });
    expectError(
      await buyer(tenant).put(`/api/admin/variants/${id}/stock`, { onHand: 1 }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await admin(tenant).patch(`/api/admin/variants/${id}`, { sku: 'NEW' }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('adds a variant following the product’s options; refuses wrong options, a taken SKU and an archived product', async () => {
    const tenant = newTenantId();
    const product = await createProduct(admin(tenant), teeBody());
    const url = `/api/admin/products/${product.id}/variants`;
    const added = await admin(tenant).post<VariantView>(url, {
      sku: sku('TEE-WL'),
      options: { size: 'L', colour: 'white' },
      priceCents: 2099,
      currency: 'USD',
      onHand: 3,
    });
    expect(added.status).toBe(201);
    expect(added.body.data).toMatchObject({
      productId: product.id,
      name: 'Classic tee (L, white)',
    });
    const wrong = await admin(tenant).post(url, {
      sku: sku('TEE-X'),
      options: { size: 'L' },
      priceCents: 1,
      currency: 'USD',
    });
    expectError(wrong, 400, 'VALIDATION_FAILED');
    expect(wrong.body.details).toEqual({ field: 'options' });
    const taken = await admin(tenant).post(url, {
      sku: product.variants[0]?.sku,
      options: { size: 'S', colour: 'black' },
      priceCents: 1,
      currency: 'USD',
    });
    expectError(taken, 409, 'SKU_ALREADY_EXISTS');
    await admin(tenant).post(`/api/admin/products/${product.id}/archive`);
    const late = await admin(tenant).post(url, {
      sku: sku('TEE-XL'),
      options: { size: 'XL', colour: 'black' },
      priceCents: 1,
      currency: 'USD',
    });
    expectError(late, 409, 'PRODUCT_ARCHIVED');
    const read = await admin(tenant).get<ProductView>(`/api/products/${product.id}`);
    expect(read.body.data.variants).toHaveLength(4);
  });

  it('keeps each tenant’s catalog apart', async () => {
    const tenant = newTenantId();
    const product = await createProduct(admin(tenant), teeBody());
    const other = newTenantId();
    expectError(await buyer(other).get(`/api/products/${product.id}`), 404, 'PRODUCT_NOT_FOUND');
    expectError(
      await admin(other).post(`/api/admin/products/${product.id}/archive`),
      404,
      'PRODUCT_NOT_FOUND',
    );
    expectError(
      await admin(other).patch(`/api/admin/variants/${product.variants[0]?.variantId}`, {
        priceCents: 1,
      }),
      404,
      'VARIANT_NOT_FOUND',
    );
    const searched = await buyer(other).get<ProductPage>(`/api/products/search?q=tee`);
    expect(searched.body.data.items).toEqual([]);
  });
});
