import type {
  CatalogStatus,
  Product,
  ProductVariant,
  ProductWithVariants,
} from '../../domain/catalog/types.ts';

export interface VariantCatalog {
  findVariant(tenantId: string, variantId: string): Promise<ProductVariant | null>;
}

/** Where a page of search results resumes: after this rank and product id. */
export interface SearchPosition {
  rank: number;
  id: string;
}

/**
 * One catalog query for every reader (the HTTP API, Discord, UCP, ACP, MCP). `visible`:
 * 'active' shows active products with their active variants only (what a buyer may see);
 * 'archived' archived products; 'any' everything (admins).
 */
export interface CatalogQuery {
  /** Words: full-text over title, category and description, or contained in a title, name or SKU. */
  text?: string | undefined;
  /** A SKU or the start of one (any case). */
  sku?: string | undefined;
  /** A category name (any case). */
  category?: string | undefined;
  visible: CatalogStatus | 'any';
  limit: number;
  after?: SearchPosition | undefined;
}

export interface CatalogPage {
  items: ProductWithVariants[];
  next: SearchPosition | null;
}

export type ProductPatch = Partial<
  Pick<Product, 'title' | 'description' | 'images' | 'category' | 'status'>
>;
export type VariantPatch = Partial<Pick<ProductVariant, 'name' | 'priceCents' | 'status'>>;

export interface CatalogSearchRepository {
  searchProducts(tenantId: string, query: CatalogQuery): Promise<CatalogPage>;
  /** Variants whose id or SKU is one of `ids`; only active ones unless `visible` is 'any'. */
  findVariantsByIdOrSku(
    tenantId: string,
    ids: readonly string[],
    visible: 'active' | 'any',
  ): Promise<ProductVariant[]>;
}

export interface ProductRepository extends VariantCatalog, CatalogSearchRepository {
  /** Inserts the product and its variants in one transaction; a taken SKU inserts nothing. */
  insertProduct(product: ProductWithVariants): Promise<ProductWithVariants | { skuTaken: string }>;
  findProduct(tenantId: string, productId: string): Promise<ProductWithVariants | null>;
  /** A status change is applied to every variant of the product in the same transaction. */
  updateProduct(
    tenantId: string,
    productId: string,
    patch: ProductPatch,
    now: Date,
  ): Promise<ProductWithVariants | null>;
  addVariant(
    variant: ProductVariant,
  ): Promise<ProductVariant | 'sku_taken' | 'product_not_found' | 'product_archived'>;
  /** An active variant needs an active product. */
  updateVariant(
    tenantId: string,
    variantId: string,
    patch: VariantPatch,
    now: Date,
  ): Promise<ProductVariant | 'not_found' | 'product_archived'>;
  /** Sets on-hand stock, guarded so that it never drops below what is reserved. */
  setOnHand(
    tenantId: string,
    variantId: string,
    onHand: number,
    now: Date,
  ): Promise<ProductVariant | 'below_reserved' | 'not_found'>;
}
