import type { VariantCatalog } from '../../app/catalog/repository.ts';
import type { ProductVariant } from '../../domain/catalog/types.ts';

/**
 * Product variants in a Map: the catalog an order session reads, for unit tests and
 * database-free library use. Search and product editing need the SQL store (embedded or
 * PostgreSQL), which run the same statements.
 */
export function createMemoryProductRepository(
  initial: readonly ProductVariant[] = [],
): VariantCatalog & { insertVariant(variant: ProductVariant): Promise<ProductVariant | null> } {
  const rows = new Map<string, ProductVariant>();
  const key = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;
  for (const variant of initial)
    rows.set(key(variant.tenantId, variant.id), structuredClone(variant));

  return {
    async findVariant(tenantId, variantId) {
      const row = rows.get(key(tenantId, variantId));
      return row ? structuredClone(row) : null;
    },

    /** Null when the tenant already has the SKU or the id. */
    async insertVariant(variant) {
      const taken = [...rows.values()].some(
        (row) => row.tenantId === variant.tenantId && row.sku === variant.sku,
      );
      if (taken || rows.has(key(variant.tenantId, variant.id))) return null;
      rows.set(key(variant.tenantId, variant.id), structuredClone(variant));
      return structuredClone(variant);
    },
  };
}
