import { describe, expect, it } from 'vitest';

/**
 * Every module `npm run test:mutation` mutates, loaded inside a test. The transition tables and
 * the permission table are checked when their module loads; a broken table must fail a test,
 * and a module that throws while a test file is being collected fails no test at all (Stryker's
 * Vitest runner then counts its mutant as survived, with zero tests run).
 */
const MODULES: Record<string, () => Promise<Record<string, unknown>>> = {
  'domain/state-machine': () => import('../../src/domain/state-machine.ts'),
  'domain/order/status': () => import('../../src/domain/order/status.ts'),
  'domain/order-session/machine': () => import('../../src/domain/order-session/machine.ts'),
  'domain/order-session/rules': () => import('../../src/domain/order-session/rules.ts'),
  'domain/money': () => import('../../src/domain/money.ts'),
  'domain/pricing/coupon': () => import('../../src/domain/pricing/coupon.ts'),
  'domain/pricing/inputs': () => import('../../src/domain/pricing/inputs.ts'),
  'domain/pricing/rounding': () => import('../../src/domain/pricing/rounding.ts'),
  'domain/pricing/settings': () => import('../../src/domain/pricing/settings.ts'),
  'domain/pricing/totals': () => import('../../src/domain/pricing/totals.ts'),
  'domain/payment/rules': () => import('../../src/domain/payment/rules.ts'),
  'domain/checkout/build-orders': () => import('../../src/domain/checkout/build-orders.ts'),
  'domain/checkout/inputs': () => import('../../src/domain/checkout/inputs.ts'),
  'domain/checkout/split': () => import('../../src/domain/checkout/split.ts'),
  'app/checkout/request-hash': () => import('../../src/app/checkout/request-hash.ts'),
  'app/access': () => import('../../src/app/access.ts'),
};

describe('the rule modules load', () => {
  it.each(Object.entries(MODULES))('loads src/%s.ts', async (_name, load) => {
    const module = await load();
    expect(Object.keys(module).length).toBeGreaterThan(0);
  });
});
