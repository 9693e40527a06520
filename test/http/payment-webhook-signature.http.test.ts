import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/app/webhook-signature.ts';
import { loadConfig } from '../../src/config.ts';
import { type HttpHarness, openHttp } from '../support/http.ts';
import {
  deliverWebhook,
  OTHER_WEBHOOK_SECRET,
  orderStatus,
  paymentEventCounts,
  placeOne,
  sandbox,
  shop,
  signedWebhook,
} from '../support/payments.ts';
import { describeEachStore } from '../support/stores.ts';

const BUYER = 'buyer-sig';
const NEW_SECRET = `whsec_${Buffer.alloc(32, 11).toString('base64')}`;
const OLD_SECRET = `whsec_${Buffer.alloc(32, 22).toString('base64')}`;

/** The payment webhook body a provider sends. */
function event(tenant: string, paymentId: string, type = 'payment.succeeded') {
  const id = `evt_${randomUUID()}`;
  const rawBody = JSON.stringify({
    id,
    type,
    created: Math.floor(Date.now() / 1000),
    data: { tenantId: tenant, paymentId },
  });
  return { id, rawBody };
}

describeEachStore('payment webhook signatures (Standard Webhooks)', (store) => {
  let h: HttpHarness;
  beforeAll(async () => {
    // During a rotation: the new secret first (the sandbox signs with it), the old one still accepted.
    h = await openHttp(
      store(),
      { ...loadConfig({}), seedDemo: false },
      {
        webhookSecret: `${NEW_SECRET}, ${OLD_SECRET}`,
      },
    );
    // The reference library reads the wall clock, so ours follows it here.
    h.clock.set(new Date());
  });
  afterAll(async () => {
    await h?.close();
  });

  it('accepts a delivery the standardwebhooks package signed with either secret of a rotation', async () => {
    const { tenant, variant } = await shop(h);
    for (const secret of [OLD_SECRET, NEW_SECRET]) {
      const { orderId, payment } = await placeOne(h, tenant, BUYER, [[variant, 1]]);
      const { id, rawBody } = event(tenant, payment.paymentId);
      const now = new Date();
      const answer = await deliverWebhook(h, rawBody, {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': new Webhook(secret).sign(id, now, rawBody),
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.data).toEqual({ eventId: id, outcome: 'paid' });
      expect(await orderStatus(h.system.store.db, tenant, orderId)).toBe('paid');
    }
  });

  it('refuses a delivery signed with a third secret, and the sandbox signs with the first (new) one', async () => {
    const { tenant, variant } = await shop(h);
    const { orderId, payment } = await placeOne(h, tenant, BUYER, [[variant, 1]]);
    const foreign = signedWebhook(h, tenant, payment.paymentId, 'succeeded', {
      secret: OTHER_WEBHOOK_SECRET,
    });
    const refused = await deliverWebhook(h, foreign.rawBody, foreign.headers);
    expect({ status: refused.status, error: refused.body.error }).toEqual({
      status: 401,
      error: 'WEBHOOK_SIGNATURE_INVALID',
    });
    expect(await orderStatus(h.system.store.db, tenant, orderId)).toBe('awaiting_payment');

    const ours = signedWebhook(h, tenant, payment.paymentId, 'succeeded');
    expect(ours.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(new Webhook(NEW_SECRET).verify(ours.rawBody, ours.headers)).toMatchObject({
      data: { paymentId: payment.paymentId },
    });
    expect(() => new Webhook(OLD_SECRET).verify(ours.rawBody, ours.headers)).toThrow();
    // The sandbox page's "Pay" button goes through the same check, and pays.
    const pressed = await sandbox(h, tenant, payment.paymentId, 'succeed');
    expect(pressed.statusCode).toBe(303);
    expect(await orderStatus(h.system.store.db, tenant, orderId)).toBe('paid');
  });

  it('acknowledges a replayed delivery as a duplicate and changes nothing; refuses it once stale', async () => {
    const { tenant, variant } = await shop(h);
    const { orderId, payment } = await placeOne(h, tenant, BUYER, [[variant, 1]]);
    const delivery = signedWebhook(h, tenant, payment.paymentId, 'succeeded');
    const first = await deliverWebhook(h, delivery.rawBody, delivery.headers);
    expect(first.body.data.outcome).toBe('paid');
    const before = await paymentEventCounts(h.system.store.db, tenant, orderId);
    const again = await deliverWebhook(h, delivery.rawBody, delivery.headers);
    expect({ status: again.status, outcome: again.body.data.outcome }).toEqual({
      status: 200,
      outcome: 'duplicate',
    });
    expect(await paymentEventCounts(h.system.store.db, tenant, orderId)).toEqual(before);

    const later = new Date(h.clock.now().getTime() + 301_000);
    h.clock.set(later);
    try {
      const stale = await deliverWebhook(h, delivery.rawBody, delivery.headers);
      expect({ status: stale.status, error: stale.body.error }).toEqual({
        status: 401,
        error: 'WEBHOOK_SIGNATURE_INVALID',
      });
      expect(stale.body.details).toEqual({ reason: 'stale' });
    } finally {
      h.clock.set(new Date());
    }
  });
});

it('verifies what the standardwebhooks package signs, and refuses it with another key', () => {
  const secret = `whsec_${Buffer.alloc(24, 5).toString('base64')}`;
  const now = new Date('2026-03-01T10:00:00Z');
  const unix = Math.floor(now.getTime() / 1000);
  const headers = {
    'webhook-id': 'msg_1',
    'webhook-timestamp': String(unix),
    'webhook-signature': new Webhook(secret).sign('msg_1', now, '{"a":1}'),
  };
  expect(verifyWebhook(secret, '{"a":1}', headers, unix)).toBe('valid');
  expect(verifyWebhook(secret, '{"a":1}', headers, unix + 300)).toBe('valid');
  expect(verifyWebhook(secret, '{"a":1}', headers, unix + 301)).toBe('stale');
  expect(verifyWebhook(secret, '{"a":1}', headers, unix - 301)).toBe('stale');
  expect(verifyWebhook(OTHER_WEBHOOK_SECRET, '{"a":1}', headers, unix)).toBe('mismatch');
  expect(verifyWebhook(`${OTHER_WEBHOOK_SECRET} ${secret}`, '{"a":1}', headers, unix)).toBe(
    'valid',
  );
  expect(verifyWebhook(secret, '{"a":2}', headers, unix)).toBe('mismatch');
});

it('validates webhook secrets: whsec_ base64 of 24–64 bytes, plain ones of 16+ characters, at most two', () => {
  const ok = (value: string) => () =>
    loadConfig({ PAYMENT_WEBHOOK_SECRET: value, OUTBOX_WEBHOOK_SECRET: value });
  expect(ok(NEW_SECRET)).not.toThrow();
  expect(ok(`${NEW_SECRET},${OLD_SECRET}`)).not.toThrow();
  expect(ok(`${NEW_SECRET} ${OLD_SECRET}`)).not.toThrow();
  expect(ok('a-plain-secret-of-16+')).not.toThrow();
  expect(ok('whsec_not base64!')).toThrow(
    /PAYMENT_WEBHOOK_SECRET: whsec_ must be followed by base64/,
  );
  expect(ok(`whsec_${Buffer.alloc(8).toString('base64')}`)).toThrow(/24 to 64 bytes/);
  expect(ok('short')).toThrow(/at least 16 characters/);
  expect(ok(`${NEW_SECRET},${OLD_SECRET},${OTHER_WEBHOOK_SECRET}`)).toThrow(/two separated/);
});
