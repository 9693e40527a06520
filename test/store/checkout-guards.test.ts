import { expect, it } from 'vitest';
import type { CheckoutTransaction } from '../../src/app/checkout/ports.ts';
import { ok } from '../../src/domain/result.ts';
import { createSqlCheckoutStore } from '../../src/store/sql/checkout.store.ts';
import { checkoutBody, createProducts, placeOrder, useCheckoutApp } from '../support/checkout.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

/**
 * The SQL guards of a checkout, called directly: the stock guard counts what is left, and every
 * read and write names its tenant. The HTTP suites reach these only behind read-time checks
 * (a checkout first reads the stock, so only a race reaches the guard); here nothing stands in
 * front of them, and `npm run test:sabotage` breaks each and expects this file to fail.
 */
describeEachStore('checkout SQL guards', (store) => {
  const opened = useCheckoutApp(store);

  async function inTransaction<T>(work: (tx: CheckoutTransaction) => Promise<T>): Promise<T> {
    const result = await createSqlCheckoutStore(store().db).transaction(async (tx) =>
      ok(await work(tx)),
    );
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  }

  it('reserves stock only while on hand minus reserved covers the whole quantity', async () => {
    const { app, clock } = opened();
    const tenant = newTenantId();
    const [product] = await createProducts(app, tenant, { onHand: 5 });
    if (!product) throw new Error('no product');
    const reserve = (quantity: number) =>
      inTransaction((tx) => tx.reserveStock(tenant, product.id, quantity, clock.now()));
    const available = () => inTransaction((tx) => tx.availableStock(tenant, product.id));

    expect(await reserve(6)).toBe(false);
    expect(await reserve(3)).toBe(true);
    expect(await available()).toBe(2);
    expect(await reserve(3)).toBe(false);
    expect(await reserve(2)).toBe(true);
    expect(await available()).toBe(0);
    expect(await reserve(1)).toBe(false);
    expect(await available()).toBe(0);
  });

  it('neither reads nor reserves another tenant’s variant', async () => {
    const { app, clock } = opened();
    const home = newTenantId();
    const away = newTenantId();
    const [product] = await createProducts(app, home, { onHand: 5 });
    if (!product) throw new Error('no product');

    expect(await inTransaction((tx) => tx.loadVariants(away, [product.id]))).toEqual([]);
    expect(await inTransaction((tx) => tx.availableStock(away, product.id))).toBe(0);
    expect(await inTransaction((tx) => tx.reserveStock(away, product.id, 1, clock.now()))).toBe(
      false,
    );
    const own = await inTransaction((tx) => tx.loadVariants(home, [product.id]));
    expect(own.map((v) => [v.id, v.onHand, v.reserved])).toEqual([[product.id, 5, 0]]);
  });

  it('finds an order only in its own tenant, by id, by number and in a list', async () => {
    const { app, system } = opened();
    const home = newTenantId();
    const away = newTenantId();
    const [product] = await createProducts(app, home, { onHand: 5 });
    if (!product) throw new Error('no product');
    const placed = await placeOrder(app, home, 'ana', checkoutBody([[product, 1]]), 'guards-1');
    expect(placed.status).toBe(201);
    const order = placed.body.data.orders[0];
    if (!order) throw new Error('no order');
    const orders = system.orderRepository;

    expect((await orders.findOrder(home, order.id))?.id).toBe(order.id);
    expect(await orders.findOrder(away, order.id)).toBeNull();
    expect((await orders.findOrderByNumber(home, order.orderNumber))?.id).toBe(order.id);
    expect(await orders.findOrderByNumber(away, order.orderNumber)).toBeNull();
    expect((await orders.listOrders(home, {}, { limit: 10 })).items.map((o) => o.id)).toEqual([
      order.id,
    ]);
    expect((await orders.listOrders(away, {}, { limit: 10 })).items).toEqual([]);
  });
});
