import { beforeAll, expect, it } from 'vitest';
import { useHttp } from '../support/http.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';
import { createProduct, expectError, type ProductPage, sku, walk } from './support.ts';

/** One flower shop per store: text, SKU and category search, buyer visibility, cursors. */
describeEachStore('catalog search (one query for the API and every channel)', (store) => {
  const http = useHttp(store);
  const tenant = newTenantId();
  const admin = () => http().as(tenant, 'staff-1', 'admin');
  const buyer = () => http().as(tenant, 'buyer-1');
  const rose = sku('ROSE');
  const ids: Record<string, string> = {};

  const flower = (title: string, description: string, category: string, skus: string[]) => ({
    title,
    description,
    category,
    images: [`https://images.example.com/${skus[0]}.jpg`],
    optionNames: skus.length > 1 ? ['stems'] : [],
    variants: skus.map((s, i) => ({
      sku: s,
      ...(skus.length > 1 ? { options: { stems: String(6 * (i + 1)) } } : {}),
      priceCents: 3500 + i * 1000,
      currency: 'USD',
      onHand: 20,
    })),
  });

  beforeAll(async () => {
    const made = [
      [
        'roses',
        flower('Red rose bouquet', 'A dozen long-stemmed red roses.', 'Flowers', [
          rose,
          `${rose}-XL`,
        ]),
      ],
      [
        'tulips',
        flower('Spring tulips', 'Bright tulips in mixed colours.', 'flowers', [sku('TULIP')]),
      ],
      [
        'orchid',
        flower('White orchid', 'A potted phalaenopsis orchid.', 'Plants', [sku('ORCHID')]),
      ],
      [
        'vase',
        flower('Glass vase', 'Hand-blown vase for any bouquet.', 'Vases', [sku(`VASE-${rose}`)]),
      ],
      ['old', flower('Dried rose wreath', 'Last season.', 'Flowers', [sku('WREATH')])],
    ] as const;
    for (const [key, body] of made) ids[key] = (await createProduct(admin(), body)).id;
    const archived = await admin().post(`/api/admin/products/${ids.old}/archive`);
    expect(archived.status).toBe(200);
  });

  const search = async (query: string, client = buyer()) => {
    const answer = await client.get<ProductPage>(`/api/products/search?${query}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body.data.items.map((p) => p.id);
  };

  it('finds products by stemmed words in title and description, as a web search would', async () => {
    expect(await search('q=roses')).toEqual([ids.roses]);
    // No title, name or SKU contains "bouquets": only the stemmed words match.
    expect((await search('q=bouquets')).sort()).toEqual([ids.roses, ids.vase].sort());
    expect(await search('q=bouquet%20-vase')).toEqual([ids.roses]);
    expect(await search('q=%22potted%20phalaenopsis%22')).toEqual([ids.orchid]);
    expect(await search('q=cactus')).toEqual([]);
  });

  it('finds products by part of a word or SKU, as an autocomplete types', async () => {
    expect(await search('q=tuli')).toEqual([ids.tulips]);
    expect(await search(`q=${rose.toLowerCase().slice(0, -1)}`)).toEqual(
      expect.arrayContaining([ids.roses, ids.vase]),
    );
  });

  it('ranks an exact SKU first, then SKUs that start with the text, then other matches', async () => {
    // The vase's SKU contains the rose SKU; the rose product has it exactly.
    expect(await search(`q=${rose}`)).toEqual([ids.roses, ids.vase]);
    expect(await search(`q=${rose}-XL`)).toEqual([ids.roses]);
  });

  it('filters by SKU prefix and by category, ignoring case', async () => {
    expect(await search(`sku=${rose.toLowerCase()}`)).toEqual([ids.roses]);
    expect((await search('category=FLOWERS')).sort()).toEqual([ids.roses, ids.tulips].sort());
    expect(await search('category=flowers&q=tulip')).toEqual([ids.tulips]);
    expect(await search('category=nothing')).toEqual([]);
  });

  it('hides archived products from buyers; admins find them when they ask', async () => {
    expect(await search('q=wreath')).toEqual([]);
    expect(await search('q=wreath&status=any', admin())).toEqual([ids.old]);
    expectError(await buyer().get('/api/products/search?q=wreath&status=any'), 403, 'FORBIDDEN');
  });

  it('walks every result exactly once, a page at a time, across ranks', async () => {
    const all = await search(`q=${rose}&limit=100`);
    const pages = await walk(buyer(), `/api/products/search?q=${rose}&limit=1`);
    expect(pages.map((p) => p.length)).toEqual(all.map(() => 1));
    expect(pages.flat().map((p) => p.id)).toEqual(all);
    const listed = await walk(buyer(), '/api/products?limit=2');
    expect(
      listed
        .flat()
        .map((p) => p.id)
        .sort(),
    ).toEqual([ids.roses, ids.tulips, ids.orchid, ids.vase].sort());
  });

  it('refuses a cursor it did not make', async () => {
    const answer = await buyer().get('/api/products/search?q=rose&cursor=bm90LWEtY3Vyc29y');
    expectError(answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.details).toEqual({ field: 'cursor' });
  });

  it('is the search the channels use: agents and chats find the same variants', async () => {
    const ctx = { tenantId: tenant, userId: 'agent', role: 'user' as const };
    const viaAgents = await http().system.productSearch.search(ctx, { query: 'tulips' });
    expect(viaAgents.ok && viaAgents.value.items.map((v) => v.productId)).toEqual([ids.tulips]);
    const archived = await http().system.productSearch.search(ctx, { query: 'wreath' });
    expect(archived.ok && archived.value.items).toEqual([]);
    const lookup = await http().system.productSearch.lookup(ctx, [rose, `${rose}-XL`]);
    expect(lookup.ok && lookup.value.map((v) => v.sku).sort()).toEqual([rose, `${rose}-XL`].sort());
  });
});
