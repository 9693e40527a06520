/** One casing for every catalog state, lower-case like the other states of the system. */
export const CATALOG_STATUSES = ['active', 'archived'] as const;
export type CatalogStatus = (typeof CATALOG_STATUSES)[number];

/** Option values of a variant, by option name: `{ size: 'M', colour: 'black' }`. */
export type VariantOptions = Record<string, string>;

/** What a buyer picks and buys: one SKU, one price, one stock row. */
export interface ProductVariant {
  id: string;
  tenantId: string;
  productId: string;
  sku: string;
  /** The name an order's line keeps: the product's title with the option values, say. */
  name: string;
  options: VariantOptions;
  priceCents: number;
  currency: string;
  /** null: a house-brand item, sold by the tenant itself. */
  sellerId: string | null;
  status: CatalogStatus;
  onHand: number;
  reserved: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What a shop shows: a title, words and pictures over one or more variants. */
export interface Product {
  id: string;
  tenantId: string;
  title: string;
  description: string;
  /** Image URLs, the first one the main picture. */
  images: string[];
  category: string | null;
  /** The option names its variants are told apart by, in display order: ['size', 'colour']. */
  optionNames: string[];
  status: CatalogStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProductWithVariants extends Product {
  variants: ProductVariant[];
}

export function availableUnits(variant: Pick<ProductVariant, 'onHand' | 'reserved'>): number {
  return variant.onHand - variant.reserved;
}

/**
 * Whether a new order may take this variant. Archiving a product archives its variants in the
 * same transaction, so the variant's own status is enough; past orders keep their snapshots.
 */
export function isBuyable(variant: Pick<ProductVariant, 'status'>): boolean {
  return variant.status === 'active';
}

/** A variant's default name: the product title and its option values in the product's order. */
export function variantName(
  title: string,
  optionNames: readonly string[],
  options: VariantOptions,
): string {
  const values = optionNames.map((name) => options[name]).filter((v) => v !== undefined);
  return values.length === 0 ? title : `${title} (${values.join(', ')})`;
}
