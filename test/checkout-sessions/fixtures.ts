import { expect } from 'vitest';
import type { Result } from '../../src/domain/result.ts';
import type { System } from '../../src/system.ts';
import { adminCtx } from './support.ts';

export function must<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

/** A product made of one flat variant: that variant. */
export function firstVariant<T extends { variants: readonly unknown[] }>(
  result: Result<T>,
): T['variants'][number] {
  const [variant] = must(result).variants;
  if (variant === undefined) throw new Error('expected a variant');
  return variant;
}

export function failure<T>(result: Result<T>) {
  expect(result.ok, JSON.stringify(result)).toBe(false);
  if (result.ok) throw new Error('unreachable');
  return result.error;
}

export const HOME = {
  streetAddress: '123 Main St',
  locality: 'Springfield',
  region: 'IL',
  postalCode: '62704',
  country: 'US',
};

export const TORONTO = {
  streetAddress: '1 King St W',
  locality: 'Toronto',
  region: 'ON',
  postalCode: 'M5V 2H1',
  country: 'CA',
};

export const SUCCESS = {
  id: 'instr_1',
  handlerId: 'mock_payment_handler',
  type: 'card',
  display: { brand: 'Visa', last_digits: '1234' },
  credential: { type: 'token', token: 'success_token' },
};
export const DECLINE = {
  ...SUCCESS,
  id: 'instr_fail',
  credential: { type: 'token', token: 'fail_token' },
};
export const FRAUD = {
  ...SUCCESS,
  id: 'instr_fraud',
  credential: { type: 'token', token: 'fraud_token' },
};

/** The flower shop's shape: roses 3500 (free shipping), a pot, an out-of-stock item; rates, promos, codes, John. */
export async function seedShop(
  system: System,
  tenant: string,
  options: { taxFree?: boolean } = {},
) {
  const ctx = adminCtx(tenant);
  const product = async (
    sku: string,
    priceCents: number,
    onHand: number,
    sellerId: string | null = null,
  ) =>
    firstVariant(
      await system.catalog.createProduct(ctx, {
        sku,
        name: sku.replace('_', ' '),
        priceCents,
        currency: 'USD',
        onHand,
        sellerId,
      }),
    );
  const roses = await product('bouquet_roses', 3500, 1000);
  const pot = await product('pot_ceramic', 1500, 2000);
  const gardenias = await product('gardenias', 2000, 0);
  const vase = await product('seller_vase', 1000, 5, 'seller-9');
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
  ])
    must(await system.merchantData.putShippingRate(ctx, rate));
  must(
    await system.merchantData.putPromotion(ctx, {
      id: 'promo_1',
      type: 'free_shipping',
      minSubtotalCents: 10000,
      description: 'Free Shipping on orders over $100',
    }),
  );
  must(
    await system.merchantData.putPromotion(ctx, {
      id: 'promo_2',
      type: 'free_shipping',
      eligibleSkus: ['bouquet_roses'],
      description: 'Free Shipping on Rose Bouquets',
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
  must(
    await system.merchantData.putBuyer(ctx, {
      id: 'customer_1',
      email: 'john.doe@example.com',
      name: 'John Doe',
    }),
  );
  must(await system.merchantData.putAddress(ctx, 'customer_1', { id: 'addr_1', ...HOME }));
  must(
    await system.merchantData.putAddress(ctx, 'customer_1', {
      id: 'addr_2',
      streetAddress: '456 Oak Ave',
      locality: 'Metropolis',
      region: 'NY',
      postalCode: '10012',
      country: 'US',
    }),
  );
  must(
    await system.merchantData.putBuyer(ctx, {
      id: 'customer_3',
      email: 'jane.doe@example.com',
      name: 'Jane Doe',
    }),
  );
  if (options.taxFree) {
    must(
      await system.pricing.updateSettings(ctx, {
        taxRateBp: 0,
        feeRateBp: 0,
        roundingMode: 'half_up',
        shippingFlatCents: 0,
      }),
    );
  }
  return { roses, pot, gardenias, vase };
}
