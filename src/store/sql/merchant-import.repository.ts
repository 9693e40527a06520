import { type Kysely, sql } from 'kysely';
import type { MerchantImportStore } from '../../app/checkout-sessions/import-merchant.ts';
import type { AgentCheckoutTables } from './agent-checkout.tables.ts';
import { createSqlMerchantDataRepository } from './merchant-data.repository.ts';
import type { Database } from './tables.ts';

/** The merchant data repository plus the upserts an import needs (products by SKU, coupons by code). */
export function createSqlMerchantImportStore(base: Kysely<Database>): MerchantImportStore {
  const db = base.withTables<AgentCheckoutTables>() as unknown as Kysely<
    Database & AgentCheckoutTables
  >;
  return {
    ...createSqlMerchantDataRepository(base),

    async upsertProductBySku(tenantId, product, newId, now) {
      // On-hand never drops below what is reserved: an import cannot break open orders.
      const row = await db
        .insertInto('product_variants')
        .values({
          tenant_id: tenantId,
          id: newId(),
          sku: product.sku,
          name: product.name,
          price_cents: product.priceCents,
          currency: product.currency,
          seller_id: null,
          on_hand: product.onHand,
          reserved: 0,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'sku']).doUpdateSet({
            name: sql`excluded.name`,
            price_cents: sql`excluded.price_cents`,
            currency: sql`excluded.currency`,
            on_hand: sql`GREATEST(excluded.on_hand, product_variants.reserved)`,
            updated_at: now,
          }),
        )
        .returning(['product_id', sql<boolean>`(xmax = 0)`.as('inserted')])
        .executeTakeFirstOrThrow();
      // The insert trigger gave a new SKU a product of its own (0012_catalog); the file's title
      // and image are the product's.
      await db
        .updateTable('products')
        .set({
          title: product.name,
          images: JSON.stringify(product.imageUrl ? [product.imageUrl] : []),
          updated_at: now,
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', row.product_id)
        // A product of several variants (made through the API) keeps its own title and images.
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('product_variants as v')
                .select('v.id')
                .where('v.tenant_id', '=', tenantId)
                .where('v.product_id', '=', row.product_id)
                .where('v.sku', '<>', product.sku),
            ),
          ),
        )
        .execute();
      return row.inserted ? 'inserted' : 'updated';
    },

    async upsertDiscount(tenantId, discount, now) {
      await db
        .insertInto('coupons')
        .values({
          tenant_id: tenantId,
          code: discount.code,
          kind: discount.kind,
          percent_bp: discount.percentBp,
          amount_cents: discount.amountCents,
          currency: discount.kind === 'fixed' ? discount.currency : null,
          min_subtotal_cents: 0,
          starts_at: null,
          expires_at: null,
          active: true,
          created_at: now,
          title: discount.title,
        })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'code']).doUpdateSet({
            kind: sql`excluded.kind`,
            percent_bp: sql`excluded.percent_bp`,
            amount_cents: sql`excluded.amount_cents`,
            currency: sql`excluded.currency`,
            title: sql`excluded.title`,
            active: true,
          }),
        )
        .execute();
    },
  };
}
