import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServiceNonceStore } from '../../src/app/service-signature.ts';
import { createRedisServiceNonceStore } from '../../src/store/redis/service-nonce.store.ts';
import type { SqlStore } from '../../src/store/sql/database.ts';
import { createSqlServiceNonceStore } from '../../src/store/sql/service-nonce.store.ts';
import type { OrderDto } from '../support/checkout.ts';
import {
  openHttpWith,
  type ServiceCall,
  serviceRequest,
  testConfig,
  WEBHOOK_SECRET,
} from '../support/configured-http.ts';
import { type HttpHarness, openHttp } from '../support/http.ts';
import { describeBroker, tcpProblem } from '../support/outbox.ts';
import { orderBody } from '../support/payments.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const redisProblem = await tcpProblem('127.0.0.1', 6379);
type Page = { items: OrderDto[] };

/**
 * The replay suite on two instances of the app over one database, with nonces in `nonces` of
 * each: the database (no Redis) or Redis.
 */
function replaySuite(store: () => SqlStore, redis: () => Redis | undefined): void {
  let a: HttpHarness;
  let b: HttpHarness;
  beforeAll(async () => {
    const connection = redis();
    const open = () =>
      connection
        ? openHttp(store(), testConfig(), { webhookSecret: WEBHOOK_SECRET, redis: connection })
        : openHttpWith(store(), testConfig());
    [a, b] = await Promise.all([open(), open()]);
    b.clock.set(a.clock.now());
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  const signed = (call: Omit<ServiceCall, 'signedAt'>, signedAt = a.clock.now()) =>
    serviceRequest({ signedAt, ...call });
  const withHeaders = (options: InjectOptions, patch: Record<string, string>): InjectOptions => ({
    ...options,
    headers: { ...(options.headers as Record<string, string>), ...patch },
  });
  const expectRefused = (answer: { status: number; body: { error: string } }, error: string) =>
    expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 401, error });

  async function ordersOf(tenant: string): Promise<OrderDto[]> {
    const answer = await a.as(tenant, 'admin-1', 'admin').get<Page>('/api/admin/orders');
    return answer.body.data.items;
  }

  it('refuses a captured checkout replayed with another user, tenant or idempotency key, or as it was', async () => {
    const tenant = newTenantId();
    const [variant] = await a.seedProducts(tenant, { onHand: 10 });
    if (!variant) throw new Error('no variant');
    const call = signed({
      method: 'POST',
      url: '/api/orders',
      tenantId: tenant,
      userId: 'buyer-1',
      idempotencyKey: 'first',
      rawBody: JSON.stringify(orderBody([[variant, 1]])),
    });
    const placed = await a.send(call);
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);

    const other = newTenantId();
    await a.seedProducts(other, { onHand: 10 });
    const patches: Record<string, string>[] = [
      { 'x-user-id': 'buyer-2' },
      { 'x-tenant-id': other },
      { 'idempotency-key': 'second' },
    ];
    for (const patch of patches) {
      expectRefused(await b.send(withHeaders(call, patch)), 'UNAUTHENTICATED');
    }
    // As captured, on either instance: its nonce was used.
    expectRefused(await a.send(call), 'REQUEST_REPLAYED');
    expectRefused(await b.send(call), 'REQUEST_REPLAYED');
    const orders = await ordersOf(tenant);
    expect(orders.map((o) => o.userId)).toEqual(['buyer-1']);
    expect(await ordersOf(other)).toEqual([]);
  });

  it('refuses a listing replayed for another tenant', async () => {
    const tenant = newTenantId();
    const call = signed({ method: 'GET', url: '/api/admin/orders', tenantId: tenant });
    expect((await a.send(call)).status).toBe(200);
    const answer = await b.send(withHeaders(call, { 'x-tenant-id': newTenantId() }));
    expectRefused(answer, 'UNAUTHENTICATED');
    expect(answer.body).not.toHaveProperty('data');
  });

  it('refuses a nonce used again, even in a new signature, until the first signature could no longer pass', async () => {
    const tenant = newTenantId();
    const nonce = `n-${randomUUID()}`;
    const t0 = a.clock.now();
    const list = (signedAt: Date) =>
      signed({ method: 'GET', url: '/api/admin/orders', tenantId: tenant, nonce }, signedAt);
    expect((await a.send(list(t0))).status).toBe(200);
    const later = new Date(t0.getTime() + 200_000);
    a.clock.set(later);
    b.clock.set(later);
    try {
      expectRefused(await b.send(list(later)), 'REQUEST_REPLAYED');
      // 5 min 1 s after the first signature it is stale anyway, so its nonce may be used again.
      const past = new Date(t0.getTime() + 301_000);
      a.clock.set(past);
      b.clock.set(past);
      expectRefused(await a.send(list(t0)), 'UNAUTHENTICATED');
      expect((await b.send(list(past))).status).toBe(200);
      expectRefused(await a.send(list(past)), 'REQUEST_REPLAYED');
    } finally {
      a.clock.set(t0);
      b.clock.set(t0);
    }
  });

  it('lets exactly one of 12 concurrent copies of a call through, across two instances', async () => {
    const tenant = newTenantId();
    const call = signed({ method: 'GET', url: '/api/admin/orders', tenantId: tenant });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).send(call)),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, ...Array(11).fill(401)]);
    expect(
      answers.filter((answer) => answer.status === 401).map((answer) => answer.body.error),
    ).toEqual(Array(11).fill('REQUEST_REPLAYED'));
  });
}

/** The contract of a nonce store, on the store itself. */
function nonceStoreContract(nonces: () => ServiceNonceStore): void {
  it('claims a nonce once until it expires, then again', async () => {
    const now = new Date('2026-02-01T10:00:00Z');
    const expires = new Date(now.getTime() + 300_000);
    const nonce = `c-${randomUUID()}`;
    expect(await nonces().claim(nonce, 'billing', expires, now)).toBe(true);
    expect(await nonces().claim(nonce, 'billing', expires, now)).toBe(false);
    expect(await nonces().claim(nonce, 'other', expires, new Date(now.getTime() + 299_000))).toBe(
      false,
    );
    expect(await nonces().claim(`c-${randomUUID()}`, 'billing', expires, now)).toBe(true);
  });
}

describeEachStore('service calls: replays refused, nonces in the database', (store) => {
  replaySuite(store, () => undefined);
  nonceStoreContract(() => createSqlServiceNonceStore(store().db));

  it('takes over an expired nonce and prunes expired rows', async () => {
    const nonces = createSqlServiceNonceStore(store().db);
    const now = new Date('2026-02-01T10:00:00Z');
    const plus = (seconds: number) => new Date(now.getTime() + seconds * 1000);
    const old = `p-${randomUUID()}`;
    const live = `p-${randomUUID()}`;
    expect(await nonces.claim(old, 'billing', plus(300), now)).toBe(true);
    // The first claim pruned; the next prune is a minute later.
    expect(await nonces.claim(live, 'billing', plus(700), plus(30))).toBe(true);
    expect(await nonces.claim(old, 'billing', plus(900), plus(600))).toBe(true);
    const rows = await store()
      .db.selectFrom('service_nonces')
      .select(['nonce', 'expires_at'])
      .where('nonce', 'in', [old, live])
      .orderBy('nonce')
      .execute();
    expect(new Map(rows.map((r) => [r.nonce, r.expires_at.getTime()]))).toEqual(
      new Map([
        [old, plus(900).getTime()],
        [live, plus(700).getTime()],
      ]),
    );
    const stale = `p-${randomUUID()}`;
    await nonces.claim(stale, 'billing', plus(1000), plus(900));
    await createSqlServiceNonceStore(store().db).claim(
      `p-${randomUUID()}`,
      'billing',
      plus(3000),
      plus(2000),
    );
    const left = await store()
      .db.selectFrom('service_nonces')
      .select('nonce')
      .where('nonce', 'in', [old, live, stale])
      .execute();
    expect(left).toEqual([]);
  });

  it('answers 503 SERVICE_UNAVAILABLE in the envelope when Redis is unreachable, and lets nothing through', async () => {
    // Nothing listens on port 4399 (of our range): every command fails at once.
    const dead = new Redis('redis://127.0.0.1:4399', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => {});
    const h = await openHttp(store(), testConfig(), { webhookSecret: WEBHOOK_SECRET, redis: dead });
    try {
      const response = await h.app.inject(
        serviceRequest({
          method: 'GET',
          url: '/api/admin/orders',
          tenantId: newTenantId(),
          signedAt: h.clock.now(),
        }),
      );
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ success: false, error: 'SERVICE_UNAVAILABLE' });
    } finally {
      await h.close();
      dead.disconnect();
    }
  });

  describeBroker('with nonces in Redis', redisProblem, () => {
    let redis: Redis | undefined;
    beforeAll(async () => {
      redis = new Redis(REDIS_URL);
    });
    afterAll(async () => {
      await redis?.quit();
    });
    replaySuite(store, () => redis);
    const prefix = `ordersession-test:${randomUUID()}:`;
    nonceStoreContract(() => {
      if (!redis) throw new Error('no redis');
      return createRedisServiceNonceStore(redis, prefix);
    });
  });
});
