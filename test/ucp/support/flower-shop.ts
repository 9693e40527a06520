import type { RequestContext } from '../../../src/app/context.ts';
import type { System } from '../../../src/system.ts';

/**
 * The conformance suite's flower shop (suite/test_data/flower_shop), loaded through our own
 * services into one tenant, with tax and fee at 0 as the suite's totals expect: the tests' data
 * (the conformance run itself uses `ordersession import`).
 */
export const FLOWER_PRODUCTS = [
  { sku: 'bouquet_roses', name: 'Bouquet of Red Roses', priceCents: 3500, onHand: 1000 },
  { sku: 'pot_ceramic', name: 'Ceramic Pot', priceCents: 1500, onHand: 2000 },
  { sku: 'bouquet_sunflowers', name: 'Sunflower Bundle', priceCents: 2500, onHand: 500 },
  { sku: 'bouquet_tulips', name: 'Spring Tulips', priceCents: 3000, onHand: 1500 },
  { sku: 'orchid_white', name: 'White Orchid', priceCents: 4500, onHand: 800 },
  { sku: 'gardenias', name: 'Gardenias', priceCents: 2000, onHand: 0 },
];

function must<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`flower shop seed: ${JSON.stringify(result.error)}`);
  return result.value;
}

export async function seedFlowerShop(system: System, tenantId: string): Promise<void> {
  const ctx: RequestContext = { tenantId, userId: 'seed', role: 'internal' };
  for (const product of FLOWER_PRODUCTS) {
    must(await system.catalog.createProduct(ctx, { ...product, currency: 'USD' }));
  }
  must(
    await system.pricing.updateSettings(ctx, {
      taxRateBp: 0,
      feeRateBp: 0,
      roundingMode: 'half_up',
      shippingFlatCents: 0,
    }),
  );
  must(await system.pricing.createCoupon(ctx, { code: '10OFF', kind: 'percent', percentBp: 1000 }));
  must(
    await system.pricing.createCoupon(ctx, { code: 'WELCOME20', kind: 'percent', percentBp: 2000 }),
  );
  must(
    await system.pricing.createCoupon(ctx, {
      code: 'FIXED500',
      kind: 'fixed',
      amountCents: 500,
      currency: 'USD',
    }),
  );
  const data = system.merchantData;
  for (const rate of [
    {
      id: 'std-ship',
      countryCode: 'default',
      serviceLevel: 'standard',
      priceCents: 500,
      title: 'Standard Shipping',
    },
    {
      id: 'exp-ship-us',
      countryCode: 'US',
      serviceLevel: 'express',
      priceCents: 1500,
      title: 'Express Shipping (US)',
    },
    {
      id: 'exp-ship-intl',
      countryCode: 'default',
      serviceLevel: 'express',
      priceCents: 2500,
      title: 'International Express',
    },
  ]) {
    must(await data.putShippingRate(ctx, rate));
  }
  must(
    await data.putPromotion(ctx, {
      id: 'promo_1',
      type: 'free_shipping',
      minSubtotalCents: 10000,
      description: 'Free Shipping on orders over $100',
    }),
  );
  must(
    await data.putPromotion(ctx, {
      id: 'promo_2',
      type: 'free_shipping',
      eligibleSkus: ['bouquet_roses'],
      description: 'Free Shipping on Rose Bouquets',
    }),
  );
  must(
    await data.putBuyer(ctx, { id: 'customer_1', email: 'john.doe@example.com', name: 'John Doe' }),
  );
  must(
    await data.putBuyer(ctx, {
      id: 'customer_2',
      email: 'jane.smith@example.com',
      name: 'Jane Smith',
    }),
  );
  must(
    await data.putBuyer(ctx, { id: 'customer_3', email: 'jane.doe@example.com', name: 'Jane Doe' }),
  );
  const address = (
    id: string,
    streetAddress: string,
    locality: string,
    region: string,
    postalCode: string,
  ) => ({
    id,
    streetAddress,
    locality,
    region,
    postalCode,
    country: 'US',
  });
  must(
    await data.putAddress(
      ctx,
      'customer_1',
      address('addr_1', '123 Main St', 'Springfield', 'IL', '62704'),
    ),
  );
  must(
    await data.putAddress(
      ctx,
      'customer_1',
      address('addr_2', '456 Oak Ave', 'Metropolis', 'NY', '10012'),
    ),
  );
  must(
    await data.putAddress(
      ctx,
      'customer_2',
      address('addr_3', '789 Pine Ln', 'Springfield', 'KS', '66002'),
    ),
  );
}
