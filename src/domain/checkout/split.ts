import type { ProductVariant } from '../catalog/types.ts';
import type { OrderSource } from '../order/types.ts';

export interface CheckoutLine {
  variant: ProductVariant;
  quantity: number;
}

export interface SellerGroup<L = CheckoutLine> {
  sellerId: string | null;
  orderSource: OrderSource;
  lines: L[];
}

/**
 * One order per seller: house-brand items (no seller) form their own `brand` order, each
 * seller's items a `seller` order. Groups come out in a stable order: brand first, then sellers
 * by id, so a replayed checkout splits the same way.
 */
export function splitBySeller<L extends { variant: { sellerId: string | null } } = CheckoutLine>(
  lines: readonly L[],
): SellerGroup<L>[] {
  const groups = new Map<string | null, L[]>();
  for (const line of lines) {
    const key = line.variant.sellerId;
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === null ? -1 : b === null ? 1 : a.localeCompare(b)))
    .map(([sellerId, groupLines]) => ({
      sellerId,
      orderSource: (sellerId === null ? 'brand' : 'seller') as OrderSource,
      lines: groupLines,
    }));
}
