import type { Insertable, Selectable } from 'kysely';
import type { Product, ProductVariant } from '../../domain/catalog/types.ts';
import type { ProductsTable, ProductVariantsTable } from './tables.ts';

export function toVariant(row: Selectable<ProductVariantsTable>): ProductVariant {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    productId: row.product_id,
    sku: row.sku,
    name: row.name,
    options: row.options,
    priceCents: Number(row.price_cents),
    currency: row.currency,
    sellerId: row.seller_id,
    status: row.status,
    onHand: Number(row.on_hand),
    reserved: Number(row.reserved),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toProduct(row: Omit<Selectable<ProductsTable>, 'search_doc'>): Product {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    title: row.title,
    description: row.description,
    images: row.images,
    category: row.category,
    optionNames: row.option_names,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function variantRow(variant: ProductVariant): Insertable<ProductVariantsTable> {
  return {
    tenant_id: variant.tenantId,
    id: variant.id,
    product_id: variant.productId,
    sku: variant.sku,
    name: variant.name,
    options: JSON.stringify(variant.options),
    price_cents: variant.priceCents,
    currency: variant.currency,
    seller_id: variant.sellerId,
    status: variant.status,
    on_hand: variant.onHand,
    reserved: variant.reserved,
    created_at: variant.createdAt,
    updated_at: variant.updatedAt,
  };
}

export function productRow(product: Product): Insertable<ProductsTable> {
  return {
    tenant_id: product.tenantId,
    id: product.id,
    title: product.title,
    description: product.description,
    images: JSON.stringify(product.images),
    category: product.category,
    option_names: JSON.stringify(product.optionNames),
    status: product.status,
    created_at: product.createdAt,
    updated_at: product.updatedAt,
  };
}

/** Every column of products but the search document, which only the database reads. */
export const PRODUCT_COLUMNS = [
  'tenant_id',
  'id',
  'title',
  'description',
  'images',
  'category',
  'option_names',
  'status',
  'created_at',
  'updated_at',
] as const;
