import { availableUnits, type ProductVariant } from '../../domain/catalog/types.ts';
import { UCP_VERSION } from './version.ts';

/**
 * Our variants as UCP products. Each variant is a product of one variant, and both carry the
 * SKU as their id: the id an agent then puts in a checkout's `line_items[].item.id`.
 */
export function toUcpVariant(variant: ProductVariant) {
  const available = availableUnits(variant) > 0;
  return {
    id: variant.sku,
    sku: variant.sku,
    title: variant.name,
    // Our catalog keeps no description of its own: the name is the best plain one we have.
    description: { plain: variant.name },
    price: { amount: variant.priceCents, currency: variant.currency },
    availability: { available, status: available ? 'in_stock' : 'out_of_stock' },
  };
}

export function toUcpProduct(variant: ProductVariant) {
  const price = { amount: variant.priceCents, currency: variant.currency };
  return {
    id: variant.sku,
    title: variant.name,
    description: { plain: variant.name },
    price_range: { min: price, max: price },
    variants: [toUcpVariant(variant)],
  };
}

export function searchResponse(page: { items: ProductVariant[]; nextCursor: string | null }) {
  return {
    ucp: { version: UCP_VERSION, status: 'success' as const },
    products: page.items.map(toUcpProduct),
    pagination:
      page.nextCursor === null
        ? { has_next_page: false }
        : { has_next_page: true, cursor: page.nextCursor },
  };
}

/** Each product says which requested identifiers found it; identifiers that found nothing are named in a message. */
export function lookupResponse(ids: readonly string[], variants: ProductVariant[]) {
  const found = new Set<string>();
  const products = variants.map((variant) => {
    const inputs = ids
      .filter((id) => id === variant.sku || id === variant.id)
      .map((id) => ({ id, match: 'exact' }));
    for (const input of inputs) found.add(input.id);
    const product = toUcpProduct(variant);
    return { ...product, variants: product.variants.map((v) => ({ ...v, inputs })) };
  });
  const missing = ids.filter((id) => !found.has(id));
  return {
    ucp: { version: UCP_VERSION, status: 'success' as const },
    products,
    ...(missing.length > 0
      ? {
          messages: missing.map((id) => ({
            type: 'warning' as const,
            code: 'not_found',
            content: `No product with id ${id}.`,
          })),
        }
      : {}),
  };
}
