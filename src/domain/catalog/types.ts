export interface ProductVariant {
  id: string;
  tenantId: string;
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
  /** null: a house-brand item, sold by the tenant itself. */
  sellerId: string | null;
  onHand: number;
  reserved: number;
  createdAt: Date;
  updatedAt: Date;
}

export function availableUnits(variant: Pick<ProductVariant, 'onHand' | 'reserved'>): number {
  return variant.onHand - variant.reserved;
}
