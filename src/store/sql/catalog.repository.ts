import type { Kysely } from 'kysely';
import type { ProductRepository } from '../../app/catalog/repository.ts';
import type { ProductWithVariants } from '../../domain/catalog/types.ts';
import { PRODUCT_COLUMNS, productRow, toProduct, toVariant, variantRow } from './catalog.rows.ts';
import { createSqlCatalogSearch } from './catalog-search.sql.ts';
import { isUuid } from './ids.ts';
import type { Database } from './tables.ts';

export { toVariant } from './catalog.rows.ts';

/** Thrown inside a transaction to roll it back when a SKU is taken. */
class SkuTaken {
  constructor(readonly sku: string) {}
}

export function createSqlProductRepository(db: Kysely<Database>): ProductRepository {
  async function findVariant(tenantId: string, variantId: string) {
    if (!isUuid(variantId)) return null;
    const row = await db
      .selectFrom('product_variants')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', variantId)
      .executeTakeFirst();
    return row ? toVariant(row) : null;
  }

  async function findProduct(
    executor: Kysely<Database>,
    tenantId: string,
    productId: string,
  ): Promise<ProductWithVariants | null> {
    if (!isUuid(productId)) return null;
    const row = await executor
      .selectFrom('products')
      .select(PRODUCT_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', productId)
      .executeTakeFirst();
    if (!row) return null;
    const variants = await executor
      .selectFrom('product_variants')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('product_id', '=', productId)
      .orderBy('id')
      .execute();
    return { ...toProduct(row), variants: variants.map(toVariant) };
  }

  return {
    findVariant,
    ...createSqlCatalogSearch(db),
    findProduct: (tenantId, productId) => findProduct(db, tenantId, productId),

    async insertProduct(product) {
      try {
        return await db.transaction().execute(async (trx) => {
          await trx.insertInto('products').values(productRow(product)).execute();
          for (const variant of product.variants) {
            const inserted = await trx
              .insertInto('product_variants')
              .values(variantRow(variant))
              .onConflict((conflict) => conflict.doNothing())
              .returning('id')
              .executeTakeFirst();
            if (!inserted) throw new SkuTaken(variant.sku);
          }
          return product;
        });
      } catch (err) {
        if (err instanceof SkuTaken) return { skuTaken: err.sku };
        throw err;
      }
    },

    async updateProduct(tenantId, productId, patch, now) {
      if (!isUuid(productId)) return null;
      return db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('products')
          .set({
            ...(patch.title !== undefined ? { title: patch.title } : {}),
            ...(patch.description !== undefined ? { description: patch.description } : {}),
            ...(patch.images !== undefined ? { images: JSON.stringify(patch.images) } : {}),
            ...(patch.category !== undefined ? { category: patch.category } : {}),
            ...(patch.status !== undefined ? { status: patch.status } : {}),
            updated_at: now,
          })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', productId)
          .returning('id')
          .executeTakeFirst();
        if (!updated) return null;
        if (patch.status !== undefined) {
          // Only rows that change are written: a restock racing an archive is not rewritten.
          await trx
            .updateTable('product_variants')
            .set({ status: patch.status, updated_at: now })
            .where('tenant_id', '=', tenantId)
            .where('product_id', '=', productId)
            .where('status', '<>', patch.status)
            .execute();
        }
        return findProduct(trx, tenantId, productId);
      });
    },

    async addVariant(variant) {
      if (!isUuid(variant.productId)) return 'product_not_found';
      return db.transaction().execute(async (trx) => {
        // FOR SHARE: an archive of the product waits for this insert, or this one sees it.
        const product = await trx
          .selectFrom('products')
          .select('status')
          .where('tenant_id', '=', variant.tenantId)
          .where('id', '=', variant.productId)
          .forShare()
          .executeTakeFirst();
        if (!product) return 'product_not_found' as const;
        if (product.status === 'archived' && variant.status === 'active')
          return 'product_archived' as const;
        const row = await trx
          .insertInto('product_variants')
          .values(variantRow(variant))
          .onConflict((conflict) => conflict.doNothing())
          .returningAll()
          .executeTakeFirst();
        return row ? toVariant(row) : ('sku_taken' as const);
      });
    },

    async updateVariant(tenantId, variantId, patch, now) {
      if (!isUuid(variantId)) return 'not_found';
      return db.transaction().execute(async (trx) => {
        if (patch.status === 'active') {
          const product = await trx
            .selectFrom('product_variants as v')
            .innerJoin('products as p', (join) =>
              join.onRef('p.tenant_id', '=', 'v.tenant_id').onRef('p.id', '=', 'v.product_id'),
            )
            .select('p.status')
            .where('v.tenant_id', '=', tenantId)
            .where('v.id', '=', variantId)
            .forShare('p')
            .executeTakeFirst();
          if (!product) return 'not_found' as const;
          if (product.status === 'archived') return 'product_archived' as const;
        }
        const row = await trx
          .updateTable('product_variants')
          .set({
            ...(patch.name !== undefined ? { name: patch.name } : {}),
            ...(patch.priceCents !== undefined ? { price_cents: patch.priceCents } : {}),
            ...(patch.status !== undefined ? { status: patch.status } : {}),
            updated_at: now,
          })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', variantId)
          .returningAll()
          .executeTakeFirst();
        return row ? toVariant(row) : ('not_found' as const);
      });
    },

    async setOnHand(tenantId, variantId, onHand, now) {
      if (!isUuid(variantId)) return 'not_found';
      const row = await db
        .updateTable('product_variants')
        .set({ on_hand: onHand, updated_at: now })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', variantId)
        .where('reserved', '<=', onHand)
        .returningAll()
        .executeTakeFirst();
      if (row) return toVariant(row);
      return (await findVariant(tenantId, variantId)) ? 'below_reserved' : 'not_found';
    },
  };
}
