import type { Kysely } from 'kysely';
import type { ProductSearchRepository } from '../../app/catalog/search.ts';
import { toVariant } from './catalog.repository.ts';
import { isUuid } from './ids.ts';
import type { Database } from './tables.ts';

/** `%` and `_` in a search word match themselves, not anything. */
const likePattern = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function createSqlProductSearch(db: Kysely<Database>): ProductSearchRepository {
  return {
    async searchVariants(tenantId, { words, limit, after }) {
      let query = db
        .selectFrom('product_variants')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('id')
        .limit(limit + 1);
      for (const word of words) {
        const pattern = likePattern(word);
        query = query.where((eb) =>
          eb.or([eb('name', 'ilike', pattern), eb('sku', 'ilike', pattern)]),
        );
      }
      if (after !== undefined) {
        if (!isUuid(after)) return { items: [], nextCursor: null };
        query = query.where('id', '>', after);
      }
      const rows = await query.execute();
      const items = rows.slice(0, limit).map(toVariant);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? last.id : null };
    },

    async findVariantsByIdOrSku(tenantId, ids) {
      if (ids.length === 0) return [];
      const uuids = ids.filter(isUuid);
      const rows = await db
        .selectFrom('product_variants')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where((eb) =>
          uuids.length > 0
            ? eb.or([eb('sku', 'in', [...ids]), eb('id', 'in', uuids)])
            : eb('sku', 'in', [...ids]),
        )
        .orderBy('id')
        .execute();
      return rows.map(toVariant);
    },
  };
}
