import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runPaymentExpiry } from '../../src/app/payments/expire-payment-sessions.ts';
import { useHttp } from '../support/http.ts';
import {
  countEvents,
  deliverWebhook,
  type EventType,
  eventPayloads,
  expectError,
  expiredOrder as expiredOrderIn,
  forgedWebhooks,
  getSession,
  type Lines,
  notify,
  orderStatus,
  outboxRows,
  overlappingRetries,
  paymentEventCounts,
  paymentRows,
  placeOne,
  placeOrderHttp,
  retryPayment,
  sandbox,
  sessionRow,
  shop as shopIn,
  signedWebhook,
  stockOf,
} from '../support/payments.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

const BUYER = 'buyer-1';
const RUN = { batchSize: 100, maxBatches: 100, warnBeforeMinutes: 5 };

describeEachStore('payment window over HTTP', (store) => {
  const http = useHttp(store);
  const db = () => store().db;

  const shop = (onHand = 10) => shopIn(http(), onHand);
  const session = (tenant: string, orderId: string, user = BUYER) =>
    getSession(http(), tenant, orderId, user);
  const retry = (tenant: string, orderId: string, user = BUYER) =>
    retryPayment(http(), tenant, orderId, user);
  const status = (tenant: string, orderId: string) => orderStatus(db(), tenant, orderId);
  const events = (tenant: string, orderId: string, ...types: EventType[]) =>
    countEvents(db(), tenant, orderId, ...types);

  describe('placement', () => {
    it('opens an active 15-minute window with attempt 1 of 3 and a pending first payment', async () => {
      const h = http();
      const { tenant, variant } = await shop(10);
      const placedAt = h.clock.now();
      const placed = await placeOrderHttp(h, tenant, BUYER, [[variant, 2]]);
      expect(placed.status).toBe(201);
      const [order] = placed.body.data.orders;
      const [payment] = placed.body.data.payments;
      expect(order?.status).toBe('awaiting_payment');
      expect(payment).toMatchObject({ orderId: order?.id, attempt: 1, status: 'pending' });
      // The buyer is handed our payment page, signed for this order and tenant.
      expect(payment?.paymentUrl).toMatch(
        new RegExp(`/pay/${order?.id}\\?t=${tenant}\\.\\d+\\.[A-Za-z0-9_-]{43}$`),
      );
      const orderId = order?.id ?? '';

      const opened = await session(tenant, orderId);
      expect(opened.status).toBe(200);
      expect(opened.body.data).toMatchObject({
        orderId,
        status: 'active',
        expiresAt: new Date(placedAt.getTime() + 15 * 60_000).toISOString(),
        remainingMinutes: 15,
        paymentAttempts: 1,
        maxPaymentAttempts: 3,
        canRetry: true,
      });
      const row = await sessionRow(db(), tenant, orderId);
      expect(row).toMatchObject({ duration_minutes: 15, payment_attempts: 1 });
      expect(row.started_at.getTime()).toBe(placedAt.getTime());
      expect(row.metadata.ip).toBeTypeOf('string');
      expect(row.metadata.userAgent).toBeTypeOf('string');
      expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 10, reserved: 2 });
      expect((await paymentEventCounts(db(), tenant, orderId))['payment.attempted']).toBe(1);

      h.clock.advanceMinutes(7.5);
      expect((await session(tenant, orderId)).body.data.remainingMinutes).toBe(8);
    });

    it.each([5, 30])('honours paymentWindowMinutes %i', async (minutes) => {
      const h = http();
      const { tenant, variant } = await shop();
      const placedAt = h.clock.now();
      const { orderId } = await placeOne(h, tenant, BUYER, [[variant, 1]], {
        paymentWindowMinutes: minutes,
      });
      expect((await session(tenant, orderId)).body.data).toMatchObject({
        remainingMinutes: minutes,
        expiresAt: new Date(placedAt.getTime() + minutes * 60_000).toISOString(),
      });
      expect((await sessionRow(db(), tenant, orderId)).duration_minutes).toBe(minutes);
    });

    it.each([0, 500])(
      'refuses paymentWindowMinutes %i with 400 and reserves nothing',
      async (m) => {
        const { tenant, variant } = await shop();
        const placed = await placeOrderHttp(http(), tenant, BUYER, [[variant, 1]], {
          paymentWindowMinutes: m,
        });
        expectError(placed, 400, 'VALIDATION_FAILED');
        expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 10, reserved: 0 });
        const orders = db().selectFrom('orders').select('id').where('tenant_id', '=', tenant);
        expect(await orders.execute()).toEqual([]);
      },
    );
  });

  describe('retry-payment', () => {
    it('answers 404 for an unknown order and for another buyer’s order, counting no attempt', async () => {
      const { tenant, variant } = await shop();
      const { orderId } = await placeOne(http(), tenant, BUYER, [[variant, 1]]);
      expectError(await retry(tenant, randomUUID()), 404, 'ORDER_NOT_FOUND');
      expectError(await retry(tenant, orderId, 'buyer-2'), 404, 'ORDER_NOT_FOUND');
      expectError(await session(tenant, orderId, 'buyer-2'), 404, 'ORDER_NOT_FOUND');
      expectError(await retry(newTenantId(), orderId), 404, 'ORDER_NOT_FOUND');
      expect((await sessionRow(db(), tenant, orderId)).payment_attempts).toBe(1);
    });

    it('gives a payment link per retry, counts remaining attempts down, then MAX_ATTEMPTS_REACHED', async () => {
      const { tenant, variant } = await shop();
      const { orderId, payment } = await placeOne(http(), tenant, BUYER, [[variant, 1]]);
      const urls = [payment.paymentUrl];
      for (const [attempt, remaining] of [
        [2, 1],
        [3, 0],
      ] as const) {
        const answer = await retry(tenant, orderId);
        expect(answer.status).toBe(200);
        expect(answer.body.data).toMatchObject({
          paymentAttempts: attempt,
          remainingAttempts: remaining,
          payment: { attempt, status: 'pending', orderId },
        });
        expect(answer.body.data.paymentUrl).toBe(answer.body.data.payment.paymentUrl);
        // The link is the order's payment page, whose Pay button leads to the new attempt.
        expect(new URL(answer.body.data.paymentUrl ?? '').pathname).toBe(`/pay/${orderId}`);
        urls.push(answer.body.data.paymentUrl);
      }
      expectError(await retry(tenant, orderId), 409, 'MAX_ATTEMPTS_REACHED');
      expect((await session(tenant, orderId)).body.data).toMatchObject({
        status: 'active',
        paymentAttempts: 3,
        canRetry: false,
      });
      expect((await paymentRows(db(), tenant, orderId)).map((p) => p.attempt)).toEqual([1, 2, 3]);
      expect((await paymentEventCounts(db(), tenant, orderId))['payment.attempted']).toBe(3);
    });

    it('refuses SESSION_NOT_ACTIVE once the order is paid, even after expiry and out of attempts', async () => {
      const h = http();
      const { tenant, variant } = await shop();
      const { orderId, payment } = await placeOne(h, tenant, BUYER, [[variant, 1]]);
      expect((await retry(tenant, orderId)).status).toBe(200);
      expect((await retry(tenant, orderId)).status).toBe(200);
      expect(await notify(h, tenant, payment.paymentId, 'succeeded')).toBe('paid');
      expectError(await retry(tenant, orderId), 409, 'SESSION_NOT_ACTIVE');
      h.clock.advanceMinutes(30);
      expectError(await retry(tenant, orderId), 409, 'SESSION_NOT_ACTIVE');
      expect(await status(tenant, orderId)).toBe('paid');
      expect((await sessionRow(db(), tenant, orderId)).status).toBe('completed');
    });

    it('refuses SESSION_EXPIRED once the window closed, expiring session, order and stock at once', async () => {
      const h = http();
      const { tenant, variant } = await shop(10);
      const { orderId } = await placeOne(h, tenant, BUYER, [[variant, 4]]);
      h.clock.advanceMinutes(14.9);
      expect((await retry(tenant, orderId)).status).toBe(200);
      h.clock.advanceMinutes(0.1);
      expectError(await retry(tenant, orderId), 410, 'SESSION_EXPIRED');
      expect((await session(tenant, orderId)).body.data).toMatchObject({
        status: 'expired',
        remainingMinutes: 0,
        canRetry: false,
      });
      expect(await status(tenant, orderId)).toBe('expired');
      expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 10, reserved: 0 });
      expect(
        await events(tenant, orderId, 'payment_session.expired', 'order.status_changed'),
      ).toEqual([1, 1]);
      // The session was closed, not merely refused: the next check to fail is "not active".
      expectError(await retry(tenant, orderId), 409, 'SESSION_NOT_ACTIVE');
    });

    it('answers SESSION_EXPIRED rather than MAX_ATTEMPTS_REACHED when both hold', async () => {
      const h = http();
      const { tenant, variant } = await shop();
      const { orderId } = await placeOne(h, tenant, BUYER, [[variant, 1]]);
      await retry(tenant, orderId);
      await retry(tenant, orderId);
      expectError(await retry(tenant, orderId), 409, 'MAX_ATTEMPTS_REACHED');
      h.clock.advanceMinutes(20);
      expectError(await retry(tenant, orderId), 410, 'SESSION_EXPIRED');
      expect(await status(tenant, orderId)).toBe('expired');
    });

    it('lets exactly 2 of 20 concurrent retries through when 3 attempts are allowed', async () => {
      const h = http();
      const { tenant, variant } = await shop();
      const { orderId } = await placeOne(h, tenant, BUYER, [[variant, 1]]);
      const answers = await Promise.all(Array.from({ length: 20 }, () => retry(tenant, orderId)));
      const ok = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status !== 200);
      expect(ok).toHaveLength(2);
      expect(refused.map((a) => `${a.status} ${a.body.error}`)).toEqual(
        Array(18).fill('409 MAX_ATTEMPTS_REACHED'),
      );
      expect((await sessionRow(db(), tenant, orderId)).payment_attempts).toBe(3);
      const rows = await paymentRows(db(), tenant, orderId);
      expect(rows.map((p) => p.attempt)).toEqual([1, 2, 3]);
      expect(ok.map((a) => a.body.data.paymentAttempts).sort()).toEqual([2, 3]);
    });

    // At commit 8c454d4 both callers got attempt 3 and attempt 2 never reached the provider.
    it('gives two overlapping retries a payment each, both sent to the provider', async () => {
      const h = http();
      const { tenant, variant } = await shop();
      const { orderId } = await placeOne(h, tenant, BUYER, [[variant, 1]]);
      const results = await overlappingRetries(h, tenant, orderId, BUYER);
      const rows = await paymentRows(db(), tenant, orderId);
      expect(rows.map((p) => p.attempt)).toEqual([1, 2, 3]);
      const returned = results.map((r) => (r.ok ? r.value.payment.attempt : r.error.code));
      // Each caller gets the payment it started (attempts 2 and 3), and both were sent to the provider.
      expect(returned.sort()).toEqual([2, 3]);
      expect(rows.map((p) => p.status)).toEqual(['pending', 'pending', 'pending']);
    });
  });

  describe('webhook', () => {
    it('pays the order on success: session completed, on-hand and reserved both down', async () => {
      const h = http();
      const { tenant, variant } = await shop(10);
      const { orderId, payment } = await placeOne(h, tenant, BUYER, [[variant, 3]]);
      expect(await notify(h, tenant, payment.paymentId, 'succeeded')).toBe('paid');
      const order = await http()
        .as(tenant, BUYER)
        .get<{ status: string }>(`/api/orders/${orderId}`);
      expect(order.body.data.status).toBe('paid');
      expect((await session(tenant, orderId)).body.data).toMatchObject({
        status: 'completed',
        canRetry: false,
      });
      expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 7, reserved: 0 });
      expect((await paymentRows(db(), tenant, orderId))[0]?.status).toBe('succeeded');
      const events = (await outboxRows(db(), tenant, orderId)).map((e) => e.type);
      expect(events).toEqual([
        'order.created',
        'payment.attempted',
        'payment.succeeded',
        'order.status_changed',
      ]);
    });

    it('records a failure and lets the buyer retry and pay', async () => {
      const h = http();
      const { tenant, variant } = await shop(10);
      const { orderId, payment } = await placeOne(h, tenant, BUYER, [[variant, 2]]);
      expect(await notify(h, tenant, payment.paymentId, 'failed')).toBe('failed');
      const [row] = await paymentRows(db(), tenant, orderId);
      expect(row).toMatchObject({ status: 'failed', failure_reason: 'card_declined (sandbox)' });
      expect(await status(tenant, orderId)).toBe('awaiting_payment');
      expect((await session(tenant, orderId)).body.data).toMatchObject({
        status: 'active',
        canRetry: true,
      });
      expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 10, reserved: 2 });
      expect((await paymentEventCounts(db(), tenant, orderId))['payment.failed']).toBe(1);

      const again = await retry(tenant, orderId);
      expect(again.status).toBe(200);
      expect(await notify(h, tenant, again.body.data.payment.paymentId, 'succeeded')).toBe('paid');
      expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 8, reserved: 0 });
    });

    it('refuses a bad, foreign, tampered, stale, future or missing signature with 401 and changes nothing', async () => {
      const h = http();
      const { tenant, variant } = await shop(10);
      const { orderId, payment } = await placeOne(h, tenant, BUYER, [[variant, 1]]);
      const minutesAgo = (m: number) => new Date(h.clock.now().getTime() - m * 60_000);
      const forged = forgedWebhooks(h, tenant, payment.paymentId);
      const before = await paymentEventCounts(db(), tenant);
      for (const { what, rawBody, headers } of forged) {
        const answer = await deliverWebhook(h, rawBody, headers);
        expect({ what, status: answer.status, error: answer.body.error }).toEqual({
          what,
          status: 401,
          error: 'WEBHOOK_SIGNATURE_INVALID',
        });
      }
      expect(await status(tenant, orderId)).toBe('awaiting_payment');
      expect((await paymentRows(db(), tenant, orderId))[0]?.status).toBe('pending');
      expect(await paymentEventCounts(db(), tenant)).toEqual(before);
      expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 10, reserved: 1 });
      // The same body, signed 4m54s ago with the right secret, is accepted: only the signature was wrong.
      expect(
        await notify(h, tenant, payment.paymentId, 'succeeded', { signedAt: minutesAgo(4.9) }),
      ).toBe('paid');
    });

    it('ignores a replayed event id, even re-signed later', async () => {
      const h = http();
      const { tenant, variant } = await shop(10);
      const { orderId, payment } = await placeOne(h, tenant, BUYER, [[variant, 2]]);
      const event = signedWebhook(h, tenant, payment.paymentId, 'succeeded', { id: 'evt_once' });
      expect((await deliverWebhook(h, event.rawBody, event.headers)).body.data.outcome).toBe(
        'paid',
      );
      expect((await deliverWebhook(h, event.rawBody, event.headers)).body.data.outcome).toBe(
        'duplicate',
      );
      h.clock.advanceMinutes(3);
      expect(await notify(h, tenant, payment.paymentId, 'failed', { id: 'evt_once' })).toBe(
        'duplicate',
      );
      expect(
        await events(
          tenant,
          orderId,
          'payment.succeeded',
          'payment.failed',
          'order.status_changed',
        ),
      ).toEqual([1, 0, 1]);
      expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 8, reserved: 0 });
      expect((await paymentRows(db(), tenant, orderId))[0]?.status).toBe('succeeded');
    });

    it('changes nothing on a second, different success event for a paid payment', async () => {
      const h = http();
      const { tenant, variant } = await shop(10);
      const { orderId, payment } = await placeOne(h, tenant, BUYER, [[variant, 2]]);
      expect(await notify(h, tenant, payment.paymentId, 'succeeded')).toBe('paid');
      const before = await outboxRows(db(), tenant);
      expect(await notify(h, tenant, payment.paymentId, 'succeeded')).toBe('already_settled');
      expect(await notify(h, tenant, payment.paymentId, 'failed')).toBe('already_settled');
      expect(await outboxRows(db(), tenant)).toEqual(before);
      expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 8, reserved: 0 });
      expect(await status(tenant, orderId)).toBe('paid');
      expect((await paymentRows(db(), tenant, orderId))[0]).toMatchObject({
        status: 'succeeded',
        late: false,
      });
    });
  });

  describe('late payment', () => {
    const expiredOrder = (tenant: string, lines: Lines) =>
      expiredOrderIn(http(), tenant, BUYER, lines);
    const lateEvents = async (tenant: string, orderId: string) =>
      (await eventPayloads(db(), tenant, orderId, 'payment.late')).map((p) => p.resolution);

    it('takes the stock again and pays the order when it is still in stock', async () => {
      const h = http();
      const { tenant, variant } = await shop(10);
      const { orderId, payment } = await expiredOrder(tenant, [[variant, 2]]);
      expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 10, reserved: 0 });
      expect(
        await events(tenant, orderId, 'payment_session.expired', 'order.status_changed'),
      ).toEqual([1, 1]);

      expect(await notify(h, tenant, payment.paymentId, 'succeeded')).toBe('late_fulfilled');
      expect(await status(tenant, orderId)).toBe('paid');
      expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 8, reserved: 0 });
      expect((await paymentRows(db(), tenant, orderId))[0]).toMatchObject({
        status: 'succeeded',
        late: true,
        requires_refund: false,
      });
      expect(await lateEvents(tenant, orderId)).toEqual(['fulfilled']);
    });

    it('flags the payment for refund and keeps the order expired when the stock was bought out', async () => {
      const h = http();
      const { tenant, variant } = await shop(5);
      const { orderId, payment } = await expiredOrder(tenant, [[variant, 3]]);
      await placeOne(h, tenant, 'buyer-2', [[variant, 5]]);
      expect(await notify(h, tenant, payment.paymentId, 'succeeded')).toBe('late_refund_required');
      expect(await status(tenant, orderId)).toBe('expired');
      expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 5, reserved: 5 });
      expect((await paymentRows(db(), tenant, orderId))[0]).toMatchObject({
        late: true,
        requires_refund: true,
      });
      expect(await lateEvents(tenant, orderId)).toEqual(['refund_required']);
      expect((await paymentEventCounts(db(), tenant, orderId))['order.status_changed']).toBe(1);
    });

    it('flags a payment for a cancelled order for refund, and the order stays cancelled', async () => {
      const h = http();
      const { tenant, variant } = await shop(10);
      const { orderId, payment } = await placeOne(h, tenant, BUYER, [[variant, 2]]);
      const cancelled = await h.as(tenant, BUYER).post(`/api/orders/${orderId}/cancel`, {});
      expect(cancelled.status).toBe(200);
      expect((await sessionRow(db(), tenant, orderId)).status).toBe('cancelled');
      expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 10, reserved: 0 });
      expectError(await retry(tenant, orderId), 409, 'SESSION_NOT_ACTIVE');
      expect(await notify(h, tenant, payment.paymentId, 'succeeded')).toBe('late_refund_required');
      expect(await status(tenant, orderId)).toBe('cancelled');
      expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 10, reserved: 0 });
      expect((await paymentRows(db(), tenant, orderId))[0]?.requires_refund).toBe(true);
      expect(await lateEvents(tenant, orderId)).toEqual(['refund_required']);
    });

    it('takes nothing when only some lines are still in stock (admin lowered one)', async () => {
      const h = http();
      const tenant = newTenantId();
      const [a, b] = await h.seedProducts(tenant, { onHand: 10 }, { onHand: 10 });
      if (!a || !b) throw new Error('no variants');
      const { orderId, payment } = await expiredOrder(tenant, [
        [a, 2],
        [b, 2],
      ]);
      const lowered = await h
        .as(tenant, 'admin-1', 'admin')
        .put(`/api/admin/products/${b.id}/stock`, { onHand: 1 });
      expect(lowered.status).toBe(200);
      expect(await notify(h, tenant, payment.paymentId, 'succeeded')).toBe('late_refund_required');
      expect(await status(tenant, orderId)).toBe('expired');
      expect(await stockOf(db(), tenant, a.id)).toEqual({ onHand: 10, reserved: 0 });
      expect(await stockOf(db(), tenant, b.id)).toEqual({ onHand: 1, reserved: 0 });
      expect((await paymentRows(db(), tenant, orderId))[0]?.requires_refund).toBe(true);
    });
  });

  it('serves the sandbox page and pays through its fail and succeed buttons', async () => {
    const h = http();
    const { tenant, variant } = await shop(10);
    const { orderId, orderNumber, payment } = await placeOne(h, tenant, BUYER, [[variant, 1]]);
    const page = await sandbox(h, tenant, payment.paymentId);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain(orderNumber);
    expect((await sandbox(h, tenant, randomUUID())).statusCode).toBe(404);

    const failed = await sandbox(h, tenant, payment.paymentId, 'fail');
    expect(failed.statusCode).toBe(303);
    // Back to the buyer's payment page for the order.
    expect(failed.headers.location).toMatch(new RegExp(`^/pay/${orderId}\\?t=${tenant}\\.`));
    expect((await paymentRows(db(), tenant, orderId))[0]?.status).toBe('failed');
    expect(await status(tenant, orderId)).toBe('awaiting_payment');

    const second = await retry(tenant, orderId);
    expect(second.status).toBe(200);
    expect(
      (await sandbox(h, tenant, second.body.data.payment.paymentId, 'succeed')).statusCode,
    ).toBe(303);
    expect(await status(tenant, orderId)).toBe('paid');
    expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 9, reserved: 0 });
  });

  it('writes one payment_session.expiring event 4 minutes before expiry, and only once', async () => {
    const h = http();
    const { tenant, variant } = await shop();
    const { orderId } = await placeOne(h, tenant, BUYER, [[variant, 1]]);
    const expiring = async () => (await events(tenant, orderId, 'payment_session.expiring'))[0];
    h.clock.advanceMinutes(9);
    await runPaymentExpiry(h.system.payments, h.clock, RUN);
    expect(await expiring()).toBe(0);
    h.clock.advanceMinutes(2);
    await runPaymentExpiry(h.system.payments, h.clock, RUN);
    expect(await expiring()).toBe(1);
    h.clock.advanceMinutes(1);
    await runPaymentExpiry(h.system.payments, h.clock, RUN);
    expect(await expiring()).toBe(1);
    expect((await sessionRow(db(), tenant, orderId)).status).toBe('active');
    const [event] = await eventPayloads(db(), tenant, orderId, 'payment_session.expiring');
    expect(event?.orderId).toBe(orderId);
  });
});
