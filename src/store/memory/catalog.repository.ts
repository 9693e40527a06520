import type { ProductRepository } from '../../app/catalog/repository.ts';
import type { ProductVariant } from '../../domain/catalog/types.ts';

/** Product variants in a Map, for unit tests and database-free library use. */
export function createMemoryProductRepository(
  initial: readonly ProductVariant[] = [],
): ProductRepository {
  const rows = new Map<string, ProductVariant>();
  const key = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;
  for (const variant of initial)
    rows.set(key(variant.tenantId, variant.id), structuredClone(variant));

  return {
    async findVariant(tenantId, variantId) {
      const row = rows.get(key(tenantId, variantId));
      return row ? structuredClone(row) : null;
    },

    async insertVariant(variant) {
      const taken = [...rows.values()].some(
        (row) => row.tenantId === variant.tenantId && row.sku === variant.sku,
      );
      if (taken || rows.has(key(variant.tenantId, variant.id))) return null;
      rows.set(key(variant.tenantId, variant.id), structuredClone(variant));
      return structuredClone(variant);
    },

    async setOnHand(tenantId, variantId, onHand, now) {
      const row = rows.get(key(tenantId, variantId));
      if (!row) return 'not_found';
      if (row.reserved > onHand) return 'below_reserved';
      const next = { ...row, onHand, updatedAt: now };
      rows.set(key(tenantId, variantId), next);
      return structuredClone(next);
    },

    async listVariants(tenantId, page) {
      const all = [...rows.values()]
        .filter(
          (row) => row.tenantId === tenantId && (page.after === undefined || row.id > page.after),
        )
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      const items = all.slice(0, page.limit).map((row) => structuredClone(row));
      const last = items.at(-1);
      return { items, nextCursor: all.length > page.limit && last ? last.id : null };
    },
  };
}
