import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openHttpWith, testConfig } from '../support/configured-http.ts';
import {
  deliverWebhook,
  OTHER_WEBHOOK_SECRET,
  orderStatus,
  placeOne,
  shop,
  signedWebhook,
} from '../support/payments.ts';
import { describeEachStore } from '../support/stores.ts';

describe('SANDBOX_PAYMENTS', () => {
  const pg = 'postgres://postgres@127.0.0.1:5432/shop';
  it('is on for the embedded demo and off in production or on PostgreSQL, unless set', () => {
    expect(loadConfig({}).sandboxPayments).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }).sandboxPayments).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).sandboxPayments).toBe(false);
    expect(loadConfig({ DATABASE_URL: pg }).sandboxPayments).toBe(false);
    expect(loadConfig({ DATABASE_URL: pg, SANDBOX_PAYMENTS: 'true' }).sandboxPayments).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', SANDBOX_PAYMENTS: 'true' }).sandboxPayments).toBe(
      true,
    );
    expect(loadConfig({ SANDBOX_PAYMENTS: 'false' }).sandboxPayments).toBe(false);
    expect(() => loadConfig({ SANDBOX_PAYMENTS: 'yes' })).toThrow(/SANDBOX_PAYMENTS/);
  });

  it('reads the shutdown grace and delay, with bounds', () => {
    expect(loadConfig({}).shutdown).toEqual({ graceMs: 10_000, delayMs: 0 });
    expect(loadConfig({ SHUTDOWN_GRACE_MS: '30000', SHUTDOWN_DELAY_MS: '5000' }).shutdown).toEqual({
      graceMs: 30_000,
      delayMs: 5000,
    });
    expect(() => loadConfig({ SHUTDOWN_GRACE_MS: '0' })).toThrow(/SHUTDOWN_GRACE_MS/);
  });
});

describeEachStore('a shop with the sandbox off', (store) => {
  it('has no sandbox page, hands out no sandbox link, and only a signed webhook pays', async () => {
    const h = await openHttpWith(store(), testConfig({ sandboxPayments: false }));
    try {
      const { tenant, variant } = await shop(h);
      const placed = await placeOne(h, tenant, 'ann', [[variant, 1]]);
      expect(placed.payment.paymentUrl).toBeNull();
      const base = `/sandbox/pay/${tenant}/${placed.payment.paymentId}`;
      for (const [method, url] of [
        ['GET', base],
        ['POST', `${base}/succeed`],
      ] as const) {
        const answer = await h.send({ method, url });
        expect({ status: answer.status, error: answer.body.error }).toEqual({
          status: 404,
          error: 'ROUTE_NOT_FOUND',
        });
      }
      expect(await orderStatus(h.system.store.db, tenant, placed.orderId)).toBe('awaiting_payment');

      const forged = signedWebhook(h, tenant, placed.payment.paymentId, 'succeeded', {
        secret: OTHER_WEBHOOK_SECRET,
      });
      expect((await deliverWebhook(h, forged.rawBody, forged.headers)).status).toBe(401);
      expect(await orderStatus(h.system.store.db, tenant, placed.orderId)).toBe('awaiting_payment');

      const real = signedWebhook(h, tenant, placed.payment.paymentId, 'succeeded');
      expect((await deliverWebhook(h, real.rawBody, real.headers)).status).toBe(200);
      expect(await orderStatus(h.system.store.db, tenant, placed.orderId)).toBe('paid');
    } finally {
      await h.close();
    }
  });

  it('keeps the sandbox page where it is asked for', async () => {
    const h = await openHttpWith(store(), testConfig({ sandboxPayments: true }));
    try {
      const { tenant, variant } = await shop(h);
      const placed = await placeOne(h, tenant, 'bob', [[variant, 1]]);
      // The buyer is handed our payment page, whose Pay button leads to the sandbox's.
      expect(placed.payment.paymentUrl).toContain(`/pay/${placed.orderId}?t=`);
      const page = await h.app.inject({
        method: 'GET',
        url: `/sandbox/pay/${tenant}/${placed.payment.paymentId}`,
      });
      expect(page.statusCode).toBe(200);
    } finally {
      await h.close();
    }
  });
});
