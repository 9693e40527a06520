import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createCatalogSearch } from '../../src/app/catalog/search.ts';
import {
  importMerchantData,
  MERCHANT_FILES,
  type MerchantFile,
} from '../../src/app/checkout-sessions/import-merchant.ts';
import { newTimeOrderedId } from '../../src/platform.ts';
import { createSqlProductRepository } from '../../src/store/sql/catalog.repository.ts';
import { createSqlMerchantImportStore } from '../../src/store/sql/merchant-import.repository.ts';
import { manualClock } from '../support/clock.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

const FLOWER_SHOP = join(
  import.meta.dirname,
  '../../../shared/ucp-conformance/suite/test_data/flower_shop',
);

function flowerShop(): Partial<Record<MerchantFile, string>> {
  const files: Partial<Record<MerchantFile, string>> = {};
  for (const file of MERCHANT_FILES) files[file] = readFileSync(join(FLOWER_SHOP, file), 'utf8');
  return files;
}

describeEachStore('the flower shop import as catalog products', (store) => {
  it('makes each row a product with its title and image, searchable by words; a second import changes nothing', async () => {
    const tenant = newTenantId();
    const deps = {
      store: createSqlMerchantImportStore(store().db),
      clock: manualClock(),
      newId: newTimeOrderedId,
    };
    const search = createCatalogSearch(createSqlProductRepository(store().db));
    const ctx = { tenantId: tenant, userId: 'buyer', role: 'user' as const };
    const all = async () => {
      const page = await search.search(ctx, { limit: 100 });
      if (!page.ok) throw new Error(page.error.message);
      return page.value.items;
    };

    expect((await importMerchantData(deps, tenant, flowerShop(), { currency: 'USD' })).ok).toBe(
      true,
    );
    const first = await all();
    expect(first).toHaveLength(6);
    const roses = first.find((p) => p.variants[0]?.sku === 'bouquet_roses');
    expect(roses).toMatchObject({
      title: 'Bouquet of Red Roses',
      images: ['https://example.com/roses.jpg'],
      status: 'active',
    });
    const found = await search.search(ctx, { text: 'rose' });
    expect(found.ok && found.value.items.map((p) => p.id)).toEqual([roses?.id]);

    expect((await importMerchantData(deps, tenant, flowerShop(), { currency: 'USD' })).ok).toBe(
      true,
    );
    const second = await all();
    expect(second.map((p) => [p.id, p.title, p.images])).toEqual(
      first.map((p) => [p.id, p.title, p.images]),
    );
  });
});
