import { expect, it } from 'vitest';
import { createPaymentWindow, MAX_RETRY_ROUNDS } from '../../src/app/payments/payment-window.ts';
import { newTimeOrderedId } from '../../src/platform.ts';
import { createSandboxProvider } from '../../src/providers/sandbox.ts';
import { createSqlPaymentStore } from '../../src/store/sql/payment.store.ts';
import { checkoutBody, createProducts, placeOrder, useCheckoutApp } from '../support/checkout.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

describeEachStore('payment retry loop', (store) => {
  const opened = useCheckoutApp(store);

  it('gives up with CONCURRENT_MODIFICATION when the SQL guard keeps refusing a retry the rules allow', async () => {
    const { app, system, clock } = opened();
    const tenant = newTenantId();
    const [product] = await createProducts(app, tenant, { onHand: 5 });
    if (!product) throw new Error('no product');
    const placed = await placeOrder(app, tenant, 'ana', checkoutBody([[product, 1]]), 'bound-1');
    expect(placed.status).toBe(201);
    const orderId = placed.body.data.orders[0]?.id ?? '';

    const real = createSqlPaymentStore(store().db);
    let guardCalls = 0;
    // The rules say "retry", the guard says "no" every time: a disagreement that once spun forever.
    const window = createPaymentWindow({
      orders: system.orderRepository,
      payments: {
        ...real,
        async startAttempt() {
          guardCalls++;
          return null;
        },
      },
      provider: createSandboxProvider(system.config.publicBaseUrl),
      clock,
      newId: newTimeOrderedId,
    });

    const outcome = await window.retryPayment(
      { tenantId: tenant, userId: 'ana', role: 'user' },
      orderId,
    );

    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('CONCURRENT_MODIFICATION');
    expect(outcome.error.details).toMatchObject({ orderId, rounds: MAX_RETRY_ROUNDS });
    expect(guardCalls).toBe(MAX_RETRY_ROUNDS);
    // Nothing was used up by the rounds that lost.
    const session = await real.findSessionByOrder(tenant, orderId);
    expect(session?.paymentAttempts).toBe(1);
  });
});
