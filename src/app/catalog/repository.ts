import type { ProductVariant } from '../../domain/catalog/types.ts';

export interface VariantCatalog {
  findVariant(tenantId: string, variantId: string): Promise<ProductVariant | null>;
}

export interface ProductPage {
  items: ProductVariant[];
  /** Pass back as `after` for the next page; null on the last one. */
  nextCursor: string | null;
}

export interface ProductRepository extends VariantCatalog {
  /** Inserts the variant; null when the tenant already has its SKU. */
  insertVariant(variant: ProductVariant): Promise<ProductVariant | null>;
  listVariants(tenantId: string, page: { limit: number; after?: string }): Promise<ProductPage>;
  /** Sets on-hand stock, guarded so that it never drops below what is reserved. */
  setOnHand(
    tenantId: string,
    variantId: string,
    onHand: number,
    now: Date,
  ): Promise<ProductVariant | 'below_reserved' | 'not_found'>;
}
