import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/config.ts';
import type { ProductVariant } from '../../src/domain/catalog/types.ts';
import { RATE_LIMITED_ROUTES } from '../../src/http/rate-limits.ts';
import {
  openHttpWith,
  serviceRequest,
  testConfig,
  WEBHOOK_SECRET,
} from '../support/configured-http.ts';
import { ADDRESS } from '../support/fixtures.ts';
import { type HttpHarness, openHttp } from '../support/http.ts';
import { describeBroker, tcpProblem } from '../support/outbox.ts';
import { orderBody, placeOrderHttp } from '../support/payments.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

const redisProblem = await tcpProblem('127.0.0.1', 6379);

const limited = (orders: number, retries = 100): Partial<Config> => ({
  rateLimits: { ordersPerMinute: orders, retriesPerMinute: retries },
  allowedServices: ['billing', 'shipping'],
});

async function product(h: HttpHarness, tenant: string): Promise<ProductVariant> {
  const [variant] = await h.seedProducts(tenant, { onHand: 1000 });
  if (!variant) throw new Error('no variant');
  return variant;
}

/** A session of `user` made ready to submit (none of these steps is rate limited). */
async function readySession(h: HttpHarness, tenant: string, user: string, variant: ProductVariant) {
  const c = h.as(tenant, user);
  const begun = await c.post<{ id: string }>('/api/sessions');
  const id = begun.body.data.id;
  expect(
    (await c.post(`/api/sessions/${id}/items`, { variantId: variant.id, quantity: 1 })).status,
  ).toBe(200);
  expect((await c.put(`/api/sessions/${id}/shipping`, { shippingAddress: ADDRESS })).status).toBe(
    200,
  );
  expect(
    (await c.put(`/api/sessions/${id}/payment-method`, { paymentMethod: 'sandbox' })).status,
  ).toBe(200);
  return id;
}

const submit = (h: HttpHarness, tenant: string, user: string, id: string) =>
  h.as(tenant, user).post(`/api/sessions/${id}/submit`);

/** A checkout placed by a signed service for `user`. */
const servicePlace = (
  h: HttpHarness,
  service: string,
  tenant: string,
  user: string,
  variant: ProductVariant,
) =>
  h.send(
    serviceRequest({
      method: 'POST',
      url: '/api/orders',
      service,
      tenantId: tenant,
      userId: user,
      idempotencyKey: randomUUID(),
      rawBody: JSON.stringify(orderBody([[variant, 1]])),
      signedAt: h.clock.now(),
    }),
  );

it('documents the buckets: placing orders is one bucket however placed', () => {
  expect(RATE_LIMITED_ROUTES).toEqual({
    'POST /api/orders': 'orders',
    'POST /api/sessions/:id/submit': 'orders',
    'POST /api/orders/:id/retry-payment': 'retries',
  });
});

it('reads REDIS_URL: unset by default, a redis:// or rediss:// URL, anything else refused by name', () => {
  expect(loadConfig({}).redisUrl).toBeUndefined();
  expect(loadConfig({ REDIS_URL: 'rediss://cache:6380/2' }).redisUrl).toBe('rediss://cache:6380/2');
  expect(() => loadConfig({ REDIS_URL: 'http://cache:6379' })).toThrow(
    /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/,
  );
});

describeEachStore('rate limits', (store) => {
  it('counts checkouts and session submits in one bucket per user: 3 a minute means 3 in all', async () => {
    const h = await openHttpWith(store(), testConfig(limited(3)));
    try {
      const tenant = newTenantId();
      const variant = await product(h, tenant);
      // One open session per buyer: each is made ready just before its submit.
      const statuses = [(await placeOrderHttp(h, tenant, 'alice', [[variant, 1]])).status];
      const first = await readySession(h, tenant, 'alice', variant);
      statuses.push((await submit(h, tenant, 'alice', first)).status);
      statuses.push((await placeOrderHttp(h, tenant, 'alice', [[variant, 1]])).status);
      const second = await readySession(h, tenant, 'alice', variant);
      statuses.push((await submit(h, tenant, 'alice', second)).status);
      statuses.push((await placeOrderHttp(h, tenant, 'alice', [[variant, 1]])).status);
      expect(statuses).toEqual([201, 200, 201, 429, 429]);
      const refused = await submit(h, tenant, 'alice', second);
      expect({ status: refused.status, error: refused.body.error }).toEqual({
        status: 429,
        error: 'RATE_LIMITED',
      });
      // Another buyer of the tenant has a bucket of their own.
      expect((await placeOrderHttp(h, tenant, 'bob', [[variant, 1]])).status).toBe(201);
      const mine = await h.as(tenant, 'alice').get<{ items: unknown[] }>('/api/orders');
      expect(mine.body.data.items).toHaveLength(3);
    } finally {
      await h.close();
    }
  });

  it('counts signed calls per calling service, whatever user they act for, and apart from people on the same address', async () => {
    const h = await openHttpWith(store(), testConfig(limited(2)));
    try {
      const tenant = newTenantId();
      const variant = await product(h, tenant);
      const billing = [];
      for (const user of ['u1', 'u2', 'u3'])
        billing.push((await servicePlace(h, 'billing', tenant, user, variant)).status);
      expect(billing).toEqual([201, 201, 429]);
      // Same address (every injected request comes from 127.0.0.1), other callers: not limited.
      expect((await servicePlace(h, 'shipping', tenant, 'u1', variant)).status).toBe(201);
      expect((await placeOrderHttp(h, tenant, 'u1', [[variant, 1]])).status).toBe(201);
      expect((await placeOrderHttp(h, tenant, 'u3', [[variant, 1]])).status).toBe(201);
    } finally {
      await h.close();
    }
  });

  it('counts per instance without Redis: two instances each allow the limit', async () => {
    const [a, b] = await Promise.all([
      openHttpWith(store(), testConfig(limited(2))),
      openHttpWith(store(), testConfig(limited(2))),
    ]);
    try {
      const tenant = newTenantId();
      const variant = await product(a, tenant);
      const statuses = [];
      for (const h of [a, a, a, b, b, b])
        statuses.push((await placeOrderHttp(h, tenant, 'alice', [[variant, 1]])).status);
      expect(statuses).toEqual([201, 201, 429, 201, 201, 429]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('lets requests through when Redis cannot be reached (a limit protects; it does not stop sales)', async () => {
    const dead = new Redis('redis://127.0.0.1:4398', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => {});
    const h = await openHttp(
      store(),
      { ...testConfig(), ...limited(1) },
      {
        webhookSecret: WEBHOOK_SECRET,
        redis: dead,
      },
    );
    try {
      const tenant = newTenantId();
      const variant = await product(h, tenant);
      for (let i = 0; i < 2; i++)
        expect((await placeOrderHttp(h, tenant, 'alice', [[variant, 1]])).status).toBe(201);
    } finally {
      await h.close();
      dead.disconnect();
    }
  });

  describeBroker('rate limits in Redis', redisProblem, () => {
    let redis: Redis | undefined;
    let a: HttpHarness;
    let b: HttpHarness;
    beforeAll(async () => {
      redis = new Redis('redis://127.0.0.1:6379');
      const connection = redis;
      const open = () =>
        openHttp(
          store(),
          { ...testConfig(), ...limited(3) },
          {
            webhookSecret: WEBHOOK_SECRET,
            redis: connection,
          },
        );
      [a, b] = await Promise.all([open(), open()]);
    });
    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()]);
      await redis?.quit();
    });

    it('shares one bucket between two instances: the limit holds across them', async () => {
      const tenant = newTenantId();
      const variant = await product(a, tenant);
      const statuses = [];
      for (const h of [a, b, a, b, a]) {
        statuses.push((await placeOrderHttp(h, tenant, 'alice', [[variant, 1]])).status);
      }
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
      // A submit on either instance draws on the same bucket.
      const id = await readySession(b, tenant, 'alice', variant);
      expect((await submit(b, tenant, 'alice', id)).status).toBe(429);
      expect((await placeOrderHttp(b, tenant, 'bob', [[variant, 1]])).status).toBe(201);
      const keys = await redis?.keys(`ordersession:rate-limit:*${tenant}*`);
      expect(keys).toHaveLength(2);
    });

    it('holds under concurrency: 10 simultaneous checkouts over two instances, exactly 3 placed', async () => {
      const tenant = newTenantId();
      const variant = await product(a, tenant);
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          placeOrderHttp(i % 2 === 0 ? a : b, tenant, 'carol', [[variant, 1]]),
        ),
      );
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([201, 201, 201, ...Array(7).fill(429)]);
    });
  });
});
