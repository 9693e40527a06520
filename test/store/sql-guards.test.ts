import { expect, it } from 'vitest';
import type { CheckoutTransaction } from '../../src/app/checkout/ports.ts';
import { ok } from '../../src/domain/result.ts';
import { createSqlCheckoutStore } from '../../src/store/sql/checkout.store.ts';
import { expirePaymentSessions } from '../../src/store/sql/payment-expiry.sql.ts';
import { checkoutBody, createProducts, placeOrder, useCheckoutApp } from '../support/checkout.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

/**
 * SQL guards called directly: the stock guard counts what is left, every read and write names
 * its tenant, the expiry sweep touches only what is due and unpaid. The HTTP suites reach these
 * only behind checks made before them (a checkout first reads the stock, so only a race reaches
 * the guard); here nothing stands in front of them, and `npm run test:sabotage` breaks each and
 * expects this file to fail.
 */
describeEachStore('SQL guards', (store) => {
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

  /** One order of one unit out of 5, its payment window open until `expiresAt`. */
  async function placedWindow() {
    const { app } = opened();
    const tenant = newTenantId();
    const [product] = await createProducts(app, tenant, { onHand: 5 });
    if (!product) throw new Error('no product');
    const placed = await placeOrder(app, tenant, 'ana', checkoutBody([[product, 1]]), 'expiry');
    const orderId = placed.body.data.orders[0]?.id ?? '';
    const session = await store()
      .db.selectFrom('payment_sessions')
      .select(['id', 'expires_at'])
      .where('tenant_id', '=', tenant)
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow();
    const state = async () => {
      const order = await store()
        .db.selectFrom('orders')
        .select('status')
        .where('tenant_id', '=', tenant)
        .where('id', '=', orderId)
        .executeTakeFirstOrThrow();
      const windows = await store()
        .db.selectFrom('payment_sessions')
        .select('status')
        .where('tenant_id', '=', tenant)
        .where('id', '=', session.id)
        .executeTakeFirstOrThrow();
      const stock = await inTransaction((tx) => tx.availableStock(tenant, product.id));
      return { order: order.status, window: windows.status, available: stock };
    };
    const only = { tenantId: tenant, sessionId: session.id };
    return { tenant, orderId, expiresAt: session.expires_at, only, state };
  }

  it('expires a payment window from its expiry instant on, and not a millisecond before', async () => {
    const { expiresAt, only, state } = await placedWindow();
    const before = new Date(expiresAt.getTime() - 1);
    expect(await expirePaymentSessions(store().db, before, 10, only)).toBe(0);
    expect(await state()).toEqual({ order: 'awaiting_payment', window: 'active', available: 4 });
    expect(await expirePaymentSessions(store().db, expiresAt, 10, only)).toBe(1);
    expect(await state()).toEqual({ order: 'expired', window: 'expired', available: 5 });
  });

  it('never expires an order that is no longer unpaid, even when its window was left open', async () => {
    const { tenant, orderId, expiresAt, only, state } = await placedWindow();
    // A writer that moved the order on without ending its window: the sweep must not undo it.
    await store()
      .db.updateTable('orders')
      .set({ status: 'paid' })
      .where('tenant_id', '=', tenant)
      .where('id', '=', orderId)
      .execute();
    expect(await expirePaymentSessions(store().db, expiresAt, 10, only)).toBe(1);
    expect(await state()).toEqual({ order: 'paid', window: 'expired', available: 4 });
  });
});
