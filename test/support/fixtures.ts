import type { RequestContext, Role } from '../../src/app/context.ts';
import type { ProductVariant } from '../../src/domain/catalog/types.ts';
import type { ShippingAddress } from '../../src/domain/order-session/types.ts';

export function ctxFor(tenantId: string, userId = 'alice', role: Role = 'user'): RequestContext {
  return { tenantId, userId, role };
}

export const ADDRESS: ShippingAddress = {
  name: 'Alice Example',
  line1: '1 Main Street',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
};

let variantCounter = 0;
export function makeVariant(
  tenantId: string,
  overrides: Partial<ProductVariant> = {},
): ProductVariant {
  variantCounter++;
  const n = variantCounter.toString(16).padStart(12, '0');
  const id = `01930000-0000-7000-8000-${n}`;
  return {
    id,
    tenantId,
    productId: overrides.id ?? id,
    options: {},
    status: 'active',
    sku: `SKU-${variantCounter}`,
    name: `Product ${variantCounter}`,
    priceCents: 1000,
    currency: 'USD',
    sellerId: null,
    onHand: 100,
    reserved: 0,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}
