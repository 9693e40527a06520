import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { CatalogQuery, CatalogSearchRepository } from '../../app/catalog/repository.ts';
import type { ProductWithVariants } from '../../domain/catalog/types.ts';
import { PRODUCT_COLUMNS, toProduct, toVariant } from './catalog.rows.ts';
import { isUuid } from './ids.ts';
import type { Database } from './tables.ts';

/** `%` and `_` in a search word match themselves, not anything. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
const TEXT_CONFIG = sql.lit('english');

/**
 * The catalog search, the one statement behind every channel. A product is found when its
 * search document matches the text as a web search would (`websearch_to_tsquery`: stemmed
 * words, "quoted phrases", -exclusions), or when every word is contained in its title or in a
 * visible variant's name or SKU (what an autocomplete types). Results come by rank (0: a
 * variant's SKU is the text, 1: a SKU starts with it, 2: any other match), then product id,
 * which is also the keyset the cursor resumes from.
 */
export function createSqlCatalogSearch(db: Kysely<Database>): CatalogSearchRepository {
  return {
    async searchProducts(tenantId, query) {
      const hits = await sql<{ id: string; rank: number }>`
        SELECT id, rank FROM (
          SELECT p.id, ${rankOf(query)} AS rank
          FROM products p
          WHERE ${sql.join(conditions(tenantId, query), sql` AND `)}
        ) hits
        ${query.after ? sql`WHERE (rank, id) > (${query.after.rank}, ${query.after.id}::uuid)` : sql``}
        ORDER BY rank, id
        LIMIT ${query.limit + 1}
      `.execute(db);
      const page = hits.rows.slice(0, query.limit);
      const items = await loadProducts(
        db,
        tenantId,
        page.map((hit) => hit.id),
        query.visible,
      );
      const last = page.at(-1);
      return {
        items,
        next:
          hits.rows.length > query.limit && last ? { rank: Number(last.rank), id: last.id } : null,
      };
    },

    async findVariantsByIdOrSku(tenantId, ids, visible) {
      if (ids.length === 0) return [];
      const uuids = ids.filter(isUuid);
      let select = db
        .selectFrom('product_variants')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where((eb) =>
          uuids.length > 0
            ? eb.or([eb('sku', 'in', [...ids]), eb('id', 'in', uuids)])
            : eb('sku', 'in', [...ids]),
        );
      if (visible === 'active') select = select.where('status', '=', 'active');
      const rows = await select.orderBy('id').execute();
      return rows.map(toVariant);
    },
  };
}

/** A visible variant of product p that also meets `extra`. */
function someVariant(visible: CatalogQuery['visible'], extra: RawBuilder<unknown>) {
  return sql`EXISTS (
    SELECT 1 FROM product_variants v
    WHERE v.tenant_id = p.tenant_id AND v.product_id = p.id
    ${visible === 'active' ? sql`AND v.status = 'active'` : sql``}
    AND ${extra}
  )`;
}

function conditions(tenantId: string, query: CatalogQuery): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [sql`p.tenant_id = ${tenantId}`];
  if (query.visible === 'active') {
    where.push(sql`p.status = 'active'`, someVariant('active', sql`true`));
  } else if (query.visible === 'archived') {
    where.push(sql`p.status = 'archived'`);
  }
  if (query.category !== undefined) {
    where.push(sql`lower(p.category) = lower(${query.category})`);
  }
  if (query.sku !== undefined) {
    where.push(
      someVariant(query.visible, sql`lower(v.sku) LIKE lower(${`${escapeLike(query.sku)}%`})`),
    );
  }
  const text = query.text?.trim() ?? '';
  if (text !== '') {
    const words = text.split(/\s+/).slice(0, 10);
    const contained = words.map((word) => {
      const pattern = `%${escapeLike(word)}%`;
      return sql`(p.title ILIKE ${pattern} OR ${someVariant(
        query.visible,
        sql`(v.name ILIKE ${pattern} OR v.sku ILIKE ${pattern})`,
      )})`;
    });
    where.push(sql`(
      p.search_doc @@ websearch_to_tsquery(${TEXT_CONFIG}, ${text})
      OR (${sql.join(contained, sql` AND `)})
    )`);
  }
  return where;
}

function rankOf(query: CatalogQuery): RawBuilder<number> {
  const text = query.text?.trim() ?? '';
  if (text === '') return sql<number>`0`;
  return sql<number>`CASE
    WHEN ${someVariant(query.visible, sql`lower(v.sku) = lower(${text})`)} THEN 0
    WHEN ${someVariant(query.visible, sql`lower(v.sku) LIKE lower(${`${escapeLike(text)}%`})`)} THEN 1
    ELSE 2 END`;
}

async function loadProducts(
  db: Kysely<Database>,
  tenantId: string,
  ids: readonly string[],
  visible: CatalogQuery['visible'],
): Promise<ProductWithVariants[]> {
  if (ids.length === 0) return [];
  const products = await db
    .selectFrom('products')
    .select(PRODUCT_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', ids)
    .execute();
  let variantQuery = db
    .selectFrom('product_variants')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('product_id', 'in', ids);
  if (visible === 'active') variantQuery = variantQuery.where('status', '=', 'active');
  const variants = (await variantQuery.orderBy('id').execute()).map(toVariant);
  const byId = new Map(products.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    return [{ ...toProduct(row), variants: variants.filter((v) => v.productId === id) }];
  });
}
