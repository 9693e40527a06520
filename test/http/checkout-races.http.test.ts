import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createPlaceOrder } from '../../src/app/checkout/place-order.ts';
import type { CheckoutStore } from '../../src/app/checkout/ports.ts';
import { newTimeOrderedId } from '../../src/platform.ts';
import { createSandboxProvider } from '../../src/providers/sandbox.ts';
import { createSqlCheckoutStore } from '../../src/store/sql/checkout.store.ts';
import type { StoreKind } from '../../src/store/sql/database.ts';
import { createSqlPaymentStore } from '../../src/store/sql/payment.store.ts';
import {
  type CheckoutApp,
  createProducts,
  getProduct,
  type ProductDto,
  SHIP_TO,
  useCheckoutApp,
} from '../support/checkout.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

/**
 * Races that only a database can lose. Each buyer asks for more than one unit, so a stock
 * guard that checks "any left" instead of "enough left" oversells; and each test counts how
 * often the guarded UPDATE itself refused, so that on PostgreSQL it proves the race it targets
 * happened (buyers got past the read-time check and were stopped by the guard alone). The
 * embedded store runs one transaction at a time, so there the read-time check decides and the
 * guard never gets to refuse; the totals must hold all the same.
 */
describeEachStore('checkout races with multi-unit buyers', (store) => {
  const opened = useCheckoutApp(store);
  const db = () => store().db;

  /** placeOrder over the suite's store, counting the reservations the SQL guard refused. */
  function instrumentedCheckout({ system, clock }: CheckoutApp) {
    const real = createSqlCheckoutStore(db());
    const counts = { reserveCalls: 0, guardRefusals: 0 };
    const counting: CheckoutStore = {
      transaction: (work) =>
        real.transaction((tx) =>
          work({
            ...tx,
            async reserveStock(tenantId, variantId, quantity, now) {
              counts.reserveCalls++;
              const reserved = await tx.reserveStock(tenantId, variantId, quantity, now);
              if (!reserved) counts.guardRefusals++;
              return reserved;
            },
          }),
        ),
    };
    const place = createPlaceOrder({
      store: counting,
      payments: createSqlPaymentStore(db()),
      provider: createSandboxProvider(system.config.publicBaseUrl),
      clock,
      newId: newTimeOrderedId,
      paymentMethods: ['sandbox'],
      paymentWindow: system.config.paymentWindow,
    });
    return { place, counts };
  }

  /** Every buyer's checkout at once; a thrown error is what a 5xx would be, so it is kept. */
  async function buyAtOnce(
    app: CheckoutApp,
    tenant: string,
    baskets: readonly (readonly [ProductDto, number])[][],
  ) {
    const { place, counts } = instrumentedCheckout(app);
    const outcomes = await Promise.all(
      baskets.map((basket, i) =>
        place(
          { tenantId: tenant, userId: `buyer-${i}`, role: 'user' },
          {
            idempotencyKey: `race-${i}`,
            items: basket.map(([p, quantity]) => ({ variantId: p.id, quantity })),
            shippingAddress: SHIP_TO,
          },
        ).then(
          (result) => ({ result, thrown: null }),
          (error: unknown) => ({ result: null, thrown: String(error) }),
        ),
      ),
    );
    const thrown = outcomes.flatMap((o) => (o.thrown === null ? [] : [o.thrown]));
    const placed = outcomes.flatMap((o, i) => (o.result?.ok ? [i] : []));
    const refusedCodes = new Set(
      outcomes.flatMap((o) => (o.result && !o.result.ok ? [o.result.error.code] : [])),
    );
    return { thrown, placed, refusedCodes, counts };
  }

  /** Units held by live reservations of a variant, read from the reservation rows. */
  async function heldUnits(tenant: string, variantId: string): Promise<number> {
    const row = await db()
      .selectFrom('stock_reservations')
      .select(sql<string>`coalesce(sum(quantity), 0)`.as('units'))
      .where('tenant_id', '=', tenant)
      .where('variant_id', '=', variantId)
      .where('status', '=', 'held')
      .executeTakeFirstOrThrow();
    return Number(row.units);
  }

  /** On PostgreSQL the race must have reached the guard; elsewhere the guard cannot be raced. */
  function expectGuardRaced(kind: StoreKind, counts: { guardRefusals: number }): void {
    if (kind === 'postgres') expect(counts.guardRefusals).toBeGreaterThan(0);
    else expect(counts.guardRefusals).toBe(0);
  }

  it('sells 101 units to 200 buyers of 2 each as exactly 50 orders, leaving 1 unit', async () => {
    const app = opened();
    const tenant = newTenantId();
    const [hot] = await createProducts(app.app, tenant, { onHand: 101, priceCents: 700 });
    if (!hot) throw new Error('no product');

    const run = await buyAtOnce(
      app,
      tenant,
      Array.from({ length: 200 }, () => [[hot, 2] as const]),
    );

    expect(run.thrown).toEqual([]);
    expect(run.placed).toHaveLength(50);
    expect([...run.refusedCodes]).toEqual(['INSUFFICIENT_STOCK']);
    expect(await getProduct(app.app, tenant, hot.id)).toMatchObject({
      onHand: 101,
      reserved: 100,
      available: 1,
    });
    expect(await heldUnits(tenant, hot.id)).toBe(100);
    expectGuardRaced(store().kind, run.counts);
  });

  it('never oversells when buyers ask for 1, 2, 3 or 5 units of an odd stock', async () => {
    const app = opened();
    const tenant = newTenantId();
    const [hot] = await createProducts(app.app, tenant, { onHand: 97, priceCents: 300 });
    if (!hot) throw new Error('no product');
    const sizes = [1, 2, 3, 5];
    const baskets = Array.from({ length: 120 }, (_, i) => [[hot, sizes[i % 4] ?? 1] as const]);

    const run = await buyAtOnce(app, tenant, baskets);

    expect(run.thrown).toEqual([]);
    const sold = run.placed.reduce((sum, i) => sum + (baskets[i]?.[0]?.[1] ?? 0), 0);
    const after = await getProduct(app.app, tenant, hot.id);
    expect(after.reserved).toBe(sold);
    expect(await heldUnits(tenant, hot.id)).toBe(sold);
    expect(sold).toBeLessThanOrEqual(97);
    // Everyone refused asked for more than what was left at the end: no unit was turned away
    // that a buyer could have had.
    const refusedSizes = baskets
      .filter((_, i) => !run.placed.includes(i))
      .map((basket) => basket[0]?.[1] ?? 0);
    expect(Math.min(...refusedSizes)).toBeGreaterThan(97 - sold);
    expectGuardRaced(store().kind, run.counts);
  });

  it('takes both lines or neither when a checkout spans a hot SKU and a cold one', async () => {
    const app = opened();
    const tenant = newTenantId();
    const [hot, cold] = await createProducts(
      app.app,
      tenant,
      { onHand: 41, priceCents: 900 },
      { onHand: 10_000, priceCents: 100 },
    );
    if (!hot || !cold) throw new Error('no products');

    const run = await buyAtOnce(
      app,
      tenant,
      Array.from({ length: 100 }, () => [
        [cold, 3],
        [hot, 2],
      ]),
    );

    expect(run.thrown).toEqual([]);
    expect(run.placed).toHaveLength(20);
    expect(await getProduct(app.app, tenant, hot.id)).toMatchObject({ reserved: 40, available: 1 });
    // A buyer refused on the hot line kept no cold units either.
    expect(await getProduct(app.app, tenant, cold.id)).toMatchObject({ reserved: 60 });
    expect(await heldUnits(tenant, cold.id)).toBe(60);
    expectGuardRaced(store().kind, run.counts);
  });
});
