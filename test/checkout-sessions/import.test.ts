import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import {
  importMerchantData,
  MERCHANT_FILES,
  type MerchantFile,
} from '../../src/app/checkout-sessions/import-merchant.ts';
import { newTimeOrderedId } from '../../src/platform.ts';
import type { SqlStore } from '../../src/store/sql/database.ts';
import { createSqlMerchantImportStore } from '../../src/store/sql/merchant-import.repository.ts';
import { manualClock } from '../support/clock.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

const ROOT = join(import.meta.dirname, '../..');
const FLOWER_SHOP = join(ROOT, '../shared/ucp-conformance/suite/test_data/flower_shop');

function flowerShop(): Partial<Record<MerchantFile, string>> {
  const files: Partial<Record<MerchantFile, string>> = {};
  for (const file of MERCHANT_FILES) files[file] = readFileSync(join(FLOWER_SHOP, file), 'utf8');
  return files;
}

/** Everything an import writes for a tenant, as plain rows in a stable order. */
async function snapshot(db: SqlStore['db'], tenant: string) {
  const q = async (text: string) =>
    (await sql.raw<Record<string, unknown>>(text.replaceAll('$t', `'${tenant}'`)).execute(db)).rows;
  return {
    products: await q(
      'SELECT id, sku, name, price_cents, currency, on_hand FROM product_variants WHERE tenant_id = $t ORDER BY sku',
    ),
    coupons: await q(
      'SELECT code, kind, percent_bp, amount_cents, currency, title FROM coupons WHERE tenant_id = $t ORDER BY code',
    ),
    promotions: await q(
      'SELECT id, min_subtotal_cents, eligible_skus, description FROM promotions WHERE tenant_id = $t ORDER BY id',
    ),
    rates: await q(
      'SELECT id, country_code, service_level, price_cents, title FROM shipping_rates WHERE tenant_id = $t ORDER BY id',
    ),
    buyers: await q('SELECT id, email, name FROM buyers WHERE tenant_id = $t ORDER BY id'),
    addresses: await q(
      'SELECT id, buyer_id, address FROM buyer_addresses WHERE tenant_id = $t ORDER BY id',
    ),
  };
}

describeEachStore('import of a merchant data set', (store) => {
  const run = (tenant: string, files: Partial<Record<MerchantFile, string>>) =>
    importMerchantData(
      {
        store: createSqlMerchantImportStore(store().db),
        clock: manualClock(),
        newId: newTimeOrderedId,
      },
      tenant,
      files,
      { currency: 'USD' },
    );

  it('imports the flower shop twice to the same catalog', async () => {
    const tenant = newTenantId();
    const first = await run(tenant, flowerShop());
    expect(first).toMatchObject({
      ok: true,
      value: {
        products: { inserted: 6, updated: 0 },
        discounts: 3,
        promotions: 2,
        shippingRates: 3,
        buyers: 3,
        addresses: 3,
      },
    });
    const before = await snapshot(store().db, tenant);
    expect(before.products.map((p) => [p.sku, p.price_cents, p.on_hand])).toContainEqual([
      'gardenias',
      2000,
      0,
    ]);
    expect(before.coupons.find((c) => c.code === '10OFF')).toMatchObject({
      kind: 'percent',
      percent_bp: 1000,
      title: '10% Off',
    });
    expect(before.coupons.find((c) => c.code === 'FIXED500')).toMatchObject({
      kind: 'fixed',
      amount_cents: 500,
      currency: 'USD',
    });
    expect(before.promotions.find((p) => p.id === 'promo_2')?.eligible_skus).toEqual([
      'bouquet_roses',
    ]);
    const second = await run(tenant, flowerShop());
    expect(second).toMatchObject({ ok: true, value: { products: { inserted: 0, updated: 6 } } });
    expect(await snapshot(store().db, tenant)).toEqual(before);
  });

  it('a second import updates what changed', async () => {
    const tenant = newTenantId();
    await run(tenant, flowerShop());
    const files = flowerShop();
    files['products.csv'] = files['products.csv']?.replace('Ceramic Pot,1500', 'Ceramic Pot,1600');
    await run(tenant, files);
    const { products } = await snapshot(store().db, tenant);
    expect(products.find((p) => p.sku === 'pot_ceramic')?.price_cents).toBe(1600);
    expect(products).toHaveLength(6);
  });

  it('names the file, line and field of a broken row, and writes nothing', async () => {
    const tenant = newTenantId();
    const files = flowerShop();
    files['shipping_rates.csv'] = files['shipping_rates.csv']?.replace(
      'US,express,1500',
      'US,express,lots',
    );
    const result = await run(tenant, files);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('VALIDATION_FAILED');
    expect(result.error.details).toEqual({ file: 'shipping_rates.csv', line: 3, field: 'price' });
    expect(result.error.message).toMatch(/^shipping_rates\.csv:3: price: /);
    const after = await snapshot(store().db, tenant);
    expect(after.products).toEqual([]);
    const dangling = flowerShop();
    dangling['addresses.csv'] += 'addr_9,customer_404,1 X St,Y,Z,1,US\n';
    const refused = await run(tenant, dangling);
    expect(refused.ok || refused.error.details).toEqual({
      file: 'addresses.csv',
      line: 5,
      field: 'customer_id',
    });
  });
});

describe('ordersession import (CLI)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordersession-import-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('imports a folder into a tenant of the embedded store and says what it did', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['bin/ordersession.mjs', 'import', FLOWER_SHOP, '--tenant', 'flower-shop'],
      {
        cwd: ROOT,
        timeout: 120_000,
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' },
      },
    );
    expect(stdout).toContain('imported into tenant flower-shop: products 6 new, 0 updated');
  }, 120_000);
});
