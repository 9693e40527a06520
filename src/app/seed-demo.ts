import type { ProductVariant } from '../domain/catalog/types.ts';
import type { ProductRepository } from './catalog/repository.ts';
import type { Clock } from './ports.ts';

/**
 * The demo catalog. Ids are fixed so that the README's requests work as written. Seeding is
 * idempotent: a variant whose SKU exists is left as it is.
 */
export const DEMO_PRODUCTS = [
  {
    id: '01930000-0000-7000-8000-000000000001',
    sku: 'TEE-BLACK-M',
    name: 'Classic tee, black, M',
    priceCents: 1999,
    sellerId: null,
    onHand: 100,
  },
  {
    id: '01930000-0000-7000-8000-000000000002',
    sku: 'MUG-ENAMEL',
    name: 'Enamel camp mug',
    priceCents: 1250,
    sellerId: null,
    onHand: 250,
  },
  {
    id: '01930000-0000-7000-8000-000000000003',
    sku: 'SOCKS-MERINO',
    name: 'Merino hiking socks',
    priceCents: 1600,
    sellerId: 'seller-alpine',
    onHand: 80,
  },
  {
    id: '01930000-0000-7000-8000-000000000004',
    sku: 'HEADPHONES-BT',
    name: 'Wireless headphones',
    priceCents: 8999,
    sellerId: 'seller-sound',
    onHand: 25,
  },
  {
    id: '01930000-0000-7000-8000-000000000005',
    sku: 'PRINT-LIMITED',
    name: 'Limited art print (flash sale)',
    priceCents: 4500,
    sellerId: null,
    onHand: 100,
  },
] as const;

export async function seedDemoCatalog(
  products: ProductRepository,
  tenantId: string,
  clock: Clock,
): Promise<number> {
  let inserted = 0;
  const now = clock.now();
  for (const product of DEMO_PRODUCTS) {
    const variant: ProductVariant = {
      ...product,
      tenantId,
      currency: 'USD',
      reserved: 0,
      createdAt: now,
      updatedAt: now,
    };
    if (await products.insertVariant(variant)) inserted++;
  }
  return inserted;
}
