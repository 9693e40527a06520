import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createPlaceOrder } from '../../src/app/checkout/place-order.ts';
import type { CheckoutStore } from '../../src/app/checkout/ports.ts';
import { newTimeOrderedId } from '../../src/platform.ts';
import { createSandboxProvider } from '../../src/providers/sandbox.ts';
import { createSqlCheckoutStore } from '../../src/store/sql/checkout.store.ts';
import { createSqlPaymentStore } from '../../src/store/sql/payment.store.ts';
import {
  admin,
  type CheckoutDto,
  call,
  checkoutBody,
  createProducts,
  expectTotalsAddUp,
  getProduct,
  NO_ROWS,
  placeOrder,
  SHIP_TO,
  tenantRowCounts,
  useCheckoutApp,
} from '../support/checkout.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

function countBy<T>(values: readonly T[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}

describeEachStore('checkout over HTTP', (store) => {
  const opened = useCheckoutApp(store);
  const db = () => store().db;

  it('sells exactly the 50 units on hand to 200 concurrent buyers and refuses the other 150', async () => {
    const { app } = opened();
    const tenant = newTenantId();
    const [hot] = await createProducts(app, tenant, { onHand: 50, priceCents: 500 });
    if (!hot) throw new Error('no product');

    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        placeOrder(app, tenant, `buyer-${i}`, checkoutBody([[hot, 1]]), `flash-${i}`),
      ),
    );

    expect(countBy(answers.map((a) => a.status))).toEqual({ 201: 50, 409: 150 });
    for (const refused of answers.filter((a) => a.status === 409)) {
      expect(refused.body.error).toBe('INSUFFICIENT_STOCK');
      expect(refused.body.details).toMatchObject({ sku: hot.sku, requested: 1, available: 0 });
    }
    const after = await getProduct(app, tenant, hot.id);
    expect(after).toMatchObject({ onHand: 50, reserved: 50, available: 0 });
    const sold = await db()
      .selectFrom('order_items')
      .select(sql<string>`coalesce(sum(quantity), 0)`.as('units'))
      .where('tenant_id', '=', tenant)
      .executeTakeFirstOrThrow();
    expect(Number(sold.units)).toBe(50);
    const held = await db()
      .selectFrom('stock_reservations')
      .select(sql<string>`coalesce(sum(quantity), 0)`.as('units'))
      .where('tenant_id', '=', tenant)
      .where('status', '=', 'held')
      .executeTakeFirstOrThrow();
    expect(Number(held.units)).toBe(50);
  });

  it('writes nothing when the third of three sellers is short, and a retry with the same key succeeds after restocking', async () => {
    const { app } = opened();
    const tenant = newTenantId();
    const [a, b, c] = await createProducts(
      app,
      tenant,
      { sellerId: 'seller-a', onHand: 10 },
      { sellerId: 'seller-b', onHand: 10 },
      { sellerId: 'seller-c', onHand: 1 },
    );
    if (!a || !b || !c) throw new Error('no products');
    const body = checkoutBody([
      [a, 2],
      [b, 3],
      [c, 2],
    ]);

    const refused = await placeOrder(app, tenant, 'carol', body, 'short-key');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('INSUFFICIENT_STOCK');
    expect(refused.body.details).toMatchObject({ sku: c.sku, requested: 2, available: 1 });

    const mine = await call<{ items: unknown[] }>(
      app,
      { tenant, user: 'carol' },
      'GET',
      '/api/orders',
    );
    expect(mine.body.data.items).toEqual([]);
    for (const product of [a, b, c]) {
      expect((await getProduct(app, tenant, product.id)).reserved).toBe(0);
    }
    expect(await tenantRowCounts(db(), tenant)).toEqual(NO_ROWS);

    const restocked = await call(app, admin(tenant), 'PUT', `/api/admin/products/${c.id}/stock`, {
      onHand: 5,
    });
    expect(restocked.status).toBe(200);
    const retried = await placeOrder(app, tenant, 'carol', body, 'short-key');
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.body.data.orders.map((o) => o.sellerId)).toEqual([
      'seller-a',
      'seller-b',
      'seller-c',
    ]);
    expect((await getProduct(app, tenant, c.id)).reserved).toBe(2);
  });

  it('splits a checkout into a brand order and one order per seller, with an outbox event and held stock for each', async () => {
    const { app } = opened();
    const tenant = newTenantId();
    const [zed, house, abe] = await createProducts(
      app,
      tenant,
      { sellerId: 'seller-z', priceCents: 700, onHand: 9 },
      { sellerId: null, priceCents: 1500, onHand: 9 },
      { sellerId: 'seller-a', priceCents: 250, onHand: 9 },
    );
    if (!zed || !house || !abe) throw new Error('no products');
    const placed = await placeOrder(
      app,
      tenant,
      'dave',
      checkoutBody(
        [
          [zed, 1],
          [house, 2],
          [abe, 3],
          [zed, 2],
        ],
        { customer: { email: 'dave@example.com', name: 'Dave' } },
      ),
      'split-1',
    );
    expect(placed.status).toBe(201);
    const { checkoutId, orders } = placed.body.data;
    expect(orders.map((o) => [o.orderSource, o.sellerId])).toEqual([
      ['brand', null],
      ['seller', 'seller-a'],
      ['seller', 'seller-z'],
    ]);
    expect(orders.map((o) => o.items.map((i) => [i.sku, i.quantity, i.unitPriceCents]))).toEqual([
      [[house.sku, 2, 1500]],
      [[abe.sku, 3, 250]],
      [[zed.sku, 3, 700]],
    ]);
    for (const order of orders) {
      expect(order).toMatchObject({
        checkoutId,
        userId: 'dave',
        currency: 'USD',
        shippingAddress: SHIP_TO,
        customer: { userId: 'dave', email: 'dave@example.com', name: 'Dave' },
      });
      expect(order.orderNumber).toMatch(/^\d{6}-[0-9A-HJKMNP-TV-Z]{10}$/);
      expectTotalsAddUp(order);
      const read = await call<unknown>(
        app,
        { tenant, user: 'dave' },
        'GET',
        `/api/orders/${order.id}`,
      );
      expect(read.body.data).toEqual(order);
    }
    expect(new Set(orders.map((o) => o.orderNumber)).size).toBe(3);

    const events = await db()
      .selectFrom('outbox')
      .select(['aggregate_type', 'aggregate_id', 'type', 'payload'])
      .where('tenant_id', '=', tenant)
      .where('type', '=', 'order.created')
      .orderBy('position')
      .execute();
    expect(events.map((e) => [e.aggregate_type, e.aggregate_id, e.type])).toEqual(
      orders.map((o) => ['order', o.id, 'order.created']),
    );
    expect(events.map((e) => e.payload.orderNumber)).toEqual(orders.map((o) => o.orderNumber));

    const holds = await db()
      .selectFrom('stock_reservations')
      .select(['order_id', 'variant_id', 'quantity', 'status'])
      .where('tenant_id', '=', tenant)
      .execute();
    const expected = orders.flatMap((o) =>
      o.items.map((i) => ({
        order_id: o.id,
        variant_id: i.variantId,
        quantity: i.quantity,
        status: 'held',
      })),
    );
    expect(holds).toHaveLength(3);
    expect(holds).toEqual(expect.arrayContaining(expected));
    expect((await getProduct(app, tenant, house.id)).reserved).toBe(2);
    expect((await getProduct(app, tenant, abe.id)).reserved).toBe(3);
    expect((await getProduct(app, tenant, zed.id)).reserved).toBe(3);
  });

  it('refuses client-side prices and unknown variants without writing anything', async () => {
    const { app } = opened();
    const tenant = newTenantId();
    const [p] = await createProducts(app, tenant, {});
    if (!p) throw new Error('no product');
    const priced = await placeOrder(
      app,
      tenant,
      'erin',
      { items: [{ variantId: p.id, quantity: 1, unitPriceCents: 1 }], shippingAddress: SHIP_TO },
      'priced',
    );
    expect([priced.status, priced.body.error]).toEqual([400, 'VALIDATION_FAILED']);
    const unknown = await placeOrder(
      app,
      tenant,
      'erin',
      { items: [{ variantId: newTimeOrderedId(), quantity: 1 }], shippingAddress: SHIP_TO },
      'unknown',
    );
    expect([unknown.status, unknown.body.error]).toEqual([404, 'VARIANT_NOT_FOUND']);
    expect(await tenantRowCounts(db(), tenant)).toEqual(NO_ROWS);
  });

  it('creates one checkout for 50 concurrent identical requests with one key, and replays it', async () => {
    const { app } = opened();
    const tenant = newTenantId();
    const [a, b] = await createProducts(
      app,
      tenant,
      { sellerId: null, onHand: 20 },
      { sellerId: 'seller-b', onHand: 20 },
    );
    if (!a || !b) throw new Error('no products');
    const body = checkoutBody([
      [a, 3],
      [b, 1],
    ]);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => placeOrder(app, tenant, 'fay', body, 'same-key')),
    );
    expect(countBy(answers.map((r) => r.status))).toEqual({ 201: 1, 200: 49 });
    const first = answers.find((r) => r.status === 201);
    if (!first) throw new Error('no 201');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    for (const replay of answers.filter((r) => r.status === 200)) {
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.data).toEqual(first.body.data);
    }
    expect(new Set(answers.map((r) => r.body.data.checkoutId)).size).toBe(1);
    expect(first.body.data.orders).toHaveLength(2);
    const counts = await tenantRowCounts(db(), tenant);
    expect(counts).toMatchObject({
      orders: 2,
      order_created_events: 2,
      stock_reservations: 2,
      idempotency_keys: 1,
    });
    expect((await getProduct(app, tenant, a.id)).reserved).toBe(3);
    expect((await getProduct(app, tenant, b.id)).reserved).toBe(1);

    // Field order does not change the meaning of a request: still a replay.
    const reordered = await placeOrder(
      app,
      tenant,
      'fay',
      { shippingAddress: SHIP_TO, items: body.items },
      'same-key',
    );
    expect(reordered.status).toBe(200);
    expect(reordered.body.data).toEqual(first.body.data);
  });

  it('refuses a key reused with another body with 422 IDEMPOTENCY_KEY_REUSED, but scopes keys to buyer and tenant', async () => {
    const { app } = opened();
    const tenant = newTenantId();
    const [p] = await createProducts(app, tenant, { onHand: 20 });
    if (!p) throw new Error('no product');
    const first = await placeOrder(app, tenant, 'gus', checkoutBody([[p, 1]]), 'k-1');
    expect(first.status).toBe(201);

    const reused = await placeOrder(app, tenant, 'gus', checkoutBody([[p, 2]]), 'k-1');
    expect([reused.status, reused.body.error]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect((await getProduct(app, tenant, p.id)).reserved).toBe(1);

    const other = await placeOrder(app, tenant, 'hal', checkoutBody([[p, 2]]), 'k-1');
    expect(other.status).toBe(201);
    expect(other.body.data.checkoutId).not.toBe(first.body.data.checkoutId);
    expect(other.body.data.orders[0]?.userId).toBe('hal');
    expect((await getProduct(app, tenant, p.id)).reserved).toBe(3);

    const elsewhere = newTenantId();
    const [q] = await createProducts(app, elsewhere, { onHand: 5 });
    if (!q) throw new Error('no product');
    const sameKeyOtherTenant = await placeOrder(
      app,
      elsewhere,
      'gus',
      checkoutBody([[q, 1]]),
      'k-1',
    );
    expect(sameKeyOtherTenant.status).toBe(201);
    expect((await tenantRowCounts(db(), tenant)).orders).toBe(2);
  });

  it('requires one idempotency key: missing is 400 IDEMPOTENCY_KEY_REQUIRED, header and body differing is 400', async () => {
    const { app } = opened();
    const tenant = newTenantId();
    const [p] = await createProducts(app, tenant, { onHand: 5 });
    if (!p) throw new Error('no product');
    const missing = await placeOrder(app, tenant, 'ian', checkoutBody([[p, 1]]));
    expect([missing.status, missing.body.error]).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED']);

    const differ = await placeOrder(
      app,
      tenant,
      'ian',
      checkoutBody([[p, 1]], { idempotencyKey: 'body-key' }),
      'header-key',
    );
    expect([differ.status, differ.body.error]).toEqual([400, 'VALIDATION_FAILED']);
    expect(differ.body.details).toMatchObject({ field: 'idempotencyKey' });

    const tooLong = await placeOrder(app, tenant, 'ian', checkoutBody([[p, 1]]), 'k'.repeat(256));
    expect(tooLong.status).toBe(400);
    expect(await tenantRowCounts(db(), tenant)).toEqual(NO_ROWS);

    const inBody = await placeOrder(
      app,
      tenant,
      'ian',
      checkoutBody([[p, 1]], { idempotencyKey: 'k'.repeat(255) }),
    );
    expect(inBody.status).toBe(201);
    // The same key in the header replays the checkout made with it in the body.
    const asHeader = await placeOrder(app, tenant, 'ian', checkoutBody([[p, 1]]), 'k'.repeat(255));
    expect(asHeader.status).toBe(200);
    expect(asHeader.body.data.checkoutId).toBe(inBody.body.data.checkoutId);
  });

  it.each(['insertOrders', 'appendOutbox'] as const)(
    'leaves no order, event, key or reservation when the transaction throws after %s',
    async (step) => {
      const { app, clock, system } = opened();
      const tenant = newTenantId();
      const [a, b] = await createProducts(
        app,
        tenant,
        { sellerId: null, onHand: 10 },
        { sellerId: 'seller-b', onHand: 10 },
      );
      if (!a || !b) throw new Error('no products');
      const real = createSqlCheckoutStore(db());
      let reachedStep = false;
      const crash = () => {
        reachedStep = true;
        throw new Error(`crash after ${step}`);
      };
      const failing: CheckoutStore = {
        transaction: (work) =>
          real.transaction((tx) =>
            work({
              ...tx,
              async insertOrders(orders) {
                await tx.insertOrders(orders);
                if (step === 'insertOrders') crash();
              },
              async appendOutbox(events) {
                await tx.appendOutbox(events);
                if (step === 'appendOutbox') crash();
              },
            }),
          ),
      };
      const place = createPlaceOrder({
        store: failing,
        payments: createSqlPaymentStore(db()),
        provider: createSandboxProvider(system.config.publicBaseUrl),
        clock,
        newId: newTimeOrderedId,
        paymentMethods: ['sandbox'],
        paymentWindow: system.config.paymentWindow,
      });
      const input = {
        idempotencyKey: 'crash-key',
        items: [
          { variantId: a.id, quantity: 2 },
          { variantId: b.id, quantity: 1 },
        ],
        shippingAddress: SHIP_TO,
      };
      const ctx = { tenantId: tenant, userId: 'jan', role: 'user' as const };
      await expect(place(ctx, input)).rejects.toThrow(`crash after ${step}`);
      expect(reachedStep).toBe(true);
      expect(await tenantRowCounts(db(), tenant)).toEqual(NO_ROWS);
      expect((await getProduct(app, tenant, a.id)).reserved).toBe(0);
      expect((await getProduct(app, tenant, b.id)).reserved).toBe(0);

      // The same key through the real store afterwards places the checkout once, with its events.
      const placed = await placeOrder(app, tenant, 'jan', input, undefined);
      expect(placed.status).toBe(201);
      const data: CheckoutDto = placed.body.data;
      expect(await tenantRowCounts(db(), tenant)).toMatchObject({
        orders: data.orders.length,
        order_created_events: data.orders.length,
        idempotency_keys: 1,
      });
    },
  );
});
