import type { Kysely, Selectable } from 'kysely';
import type { ProductRepository } from '../../app/catalog/repository.ts';
import type { ProductVariant } from '../../domain/catalog/types.ts';
import { isUuid } from './ids.ts';
import type { Database, ProductVariantsTable } from './tables.ts';

export function toVariant(row: Selectable<ProductVariantsTable>): ProductVariant {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    sku: row.sku,
    name: row.name,
    priceCents: row.price_cents,
    currency: row.currency,
    sellerId: row.seller_id,
    onHand: row.on_hand,
    reserved: row.reserved,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
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

  return {
    findVariant,

    async insertVariant(variant) {
      const row = await db
        .insertInto('product_variants')
        .values({
          tenant_id: variant.tenantId,
          id: variant.id,
          sku: variant.sku,
          name: variant.name,
          price_cents: variant.priceCents,
          currency: variant.currency,
          seller_id: variant.sellerId,
          on_hand: variant.onHand,
          reserved: variant.reserved,
          created_at: variant.createdAt,
          updated_at: variant.updatedAt,
        })
        .onConflict((conflict) => conflict.doNothing())
        .returningAll()
        .executeTakeFirst();
      return row ? toVariant(row) : null;
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

    async listVariants(tenantId, page) {
      let query = db
        .selectFrom('product_variants')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('id')
        .limit(page.limit + 1);
      if (page.after !== undefined) {
        if (!isUuid(page.after)) return { items: [], nextCursor: null };
        query = query.where('id', '>', page.after);
      }
      const rows = await query.execute();
      const items = rows.slice(0, page.limit).map(toVariant);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > page.limit && last ? last.id : null };
    },
  };
}
