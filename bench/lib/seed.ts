import type { Api } from './http.ts';
import { runLoad } from './load.ts';

export interface SeededProduct {
  id: string;
  sku: string;
}

/** Creates `count` variants through POST /api/admin/products, as an admin of `tenantId`. */
export async function seedProducts(
  api: Api,
  tenantId: string,
  options: { count: number; onHand: number; prefix: string },
): Promise<SeededProduct[]> {
  const products: SeededProduct[] = new Array(options.count);
  let next = 0;
  const admin = { userId: 'bench-admin', role: 'admin' as const, tenantId };
  await runLoad({
    concurrency: Math.min(20, options.count),
    durationMs: 600_000,
    maxIterations: options.count,
    iteration: async () => {
      const i = next++;
      const sku = `${options.prefix}-${String(i).padStart(5, '0')}`;
      const answer = await api.call<{ id: string }>('POST', '/api/admin/products', admin, {
        sku,
        name: `Bench product ${i}`,
        priceCents: 500 + (i % 50) * 100,
        currency: 'USD',
        onHand: options.onHand,
      });
      const id = answer.body?.data?.id;
      if (answer.status !== 201 || !id) {
        throw new Error(`seeding ${sku}: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      products[i] = { id, sku };
    },
  });
  return products;
}

export const SHIPPING_ADDRESS = {
  name: 'Bench Buyer',
  line1: '1 Load Street',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
};
