import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { pino } from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { type Config, loadConfig } from '../../src/config.ts';
import { startService } from '../../src/service.ts';
import {
  migrateToLatest,
  openEmbedded,
  openPostgres,
  type SqlStore,
} from '../../src/store/sql/database.ts';
import { migrations } from '../../src/store/sql/migrations/index.ts';
import { buildHttp } from '../../src/system.ts';
import { manualClock } from '../support/clock.ts';
import { openHttpWith, testConfig } from '../support/configured-http.ts';
import { ADDRESS } from '../support/fixtures.ts';
import { GATEWAY_KEY, useHttp } from '../support/http.ts';
import { notify, placeOne, placeOrderHttp, retryPayment } from '../support/payments.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

/** The value of one sample of the Prometheus text, with exactly these labels; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^(\w+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const got = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (
      Object.keys(got).length === Object.keys(labels).length &&
      Object.entries(labels).every(([k, v]) => got[k] === v)
    ) {
      return Number(match[3]);
    }
  }
  return 0;
}

/** A store whose schema has no migrations at all: a fresh database. */
async function unmigratedStore(kind: SqlStore['kind']): Promise<SqlStore> {
  if (kind === 'embedded') return openEmbedded();
  const url = inject('postgresUrl') ?? '';
  const schema = `t_empty_${randomUUID().slice(0, 8)}`;
  const admin = openPostgres({ url, poolSize: 1 });
  await sql.raw(`CREATE SCHEMA ${schema}`).execute(admin.db);
  await admin.close();
  const store = openPostgres({ url, schema, poolSize: 2 });
  return {
    ...store,
    async close() {
      await store.close();
      const cleanup = openPostgres({ url, poolSize: 1 });
      await sql.raw(`DROP SCHEMA ${schema} CASCADE`).execute(cleanup.db);
      await cleanup.close();
    },
  };
}

describeEachStore('operability', (store) => {
  const http = useHttp(store);

  describe('health and readiness', () => {
    it('answers /health and /ready with 200 and the store kind', async () => {
      const kind = store().kind;
      const health = await http().send({ method: 'GET', url: '/health' });
      expect(health).toEqual({
        status: 200,
        body: { success: true, data: { status: 'ok', store: kind } },
      });
      const ready = await http().send({ method: 'GET', url: '/ready' });
      expect(ready).toEqual({
        status: 200,
        body: { success: true, data: { status: 'ready', store: kind } },
      });
    });

    it('answers /ready with 503 naming the pending migrations, and 200 once they are applied', async () => {
      const fresh = await unmigratedStore(store().kind);
      const app = await buildHttp({ ...http().system, store: fresh });
      try {
        const pending = await app.inject({ method: 'GET', url: '/ready' });
        expect(pending.statusCode).toBe(503);
        expect(pending.json()).toMatchObject({
          success: false,
          error: 'SERVICE_UNAVAILABLE',
          details: { pending: Object.keys(migrations).sort() },
        });
        // Alive all the same: the database answers.
        expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
        await migrateToLatest(fresh.db);
        expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
      } finally {
        await app.close();
        await fresh.close();
      }
    });

    it('answers /ready with 503 when the database does not answer', async () => {
      const unreachable = openPostgres({
        url: 'postgres://postgres@127.0.0.1:1/none',
        poolSize: 1,
      });
      const app = await buildHttp({ ...http().system, store: unreachable });
      try {
        const answer = await app.inject({ method: 'GET', url: '/ready' });
        expect(answer.statusCode).toBe(503);
        expect(answer.json()).toMatchObject({ success: false, error: 'SERVICE_UNAVAILABLE' });
      } finally {
        await app.close();
        await unreachable.close();
      }
    });
  });

  describe('metrics', () => {
    const scrape = async () => {
      const response = await http().app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      return response.body;
    };
    /** One paid house-brand order, and a GET of it by its buyer. */
    async function traffic() {
      const h = http();
      const tenant = newTenantId();
      const [variant] = await h.seedProducts(tenant, { onHand: 5 });
      if (!variant) throw new Error('no variant');
      const { orderId, payment } = await placeOne(h, tenant, 'buyer-1', [[variant, 1]]);
      expect(await notify(h, tenant, payment.paymentId, 'succeeded')).toBe('paid');
      expect((await h.as(tenant, 'buyer-1').get(`/api/orders/${orderId}`)).status).toBe(200);
      return orderId;
    }

    it('serves Prometheus text with orders placed, payment events and the outbox backlog', async () => {
      const before = await scrape();
      await traffic();
      const after = await scrape();
      for (const name of [
        'ordersession_http_requests_total',
        'ordersession_http_request_duration_seconds',
        'ordersession_orders_placed_total',
        'ordersession_payment_events_total',
        'ordersession_outbox_backlog',
      ]) {
        expect(after).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
      }
      const placed = { source: 'brand' };
      expect(sample(after, 'ordersession_orders_placed_total', placed)).toBe(
        sample(before, 'ordersession_orders_placed_total', placed) + 1,
      );
      const paid = { outcome: 'paid' };
      expect(sample(after, 'ordersession_payment_events_total', paid)).toBe(
        sample(before, 'ordersession_payment_events_total', paid) + 1,
      );
      const backlog = await store()
        .db.selectFrom('outbox')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('published_at', 'is', null)
        .where('parked_at', 'is', null)
        .executeTakeFirstOrThrow();
      const pending = { state: 'pending' };
      expect(sample(after, 'ordersession_outbox_backlog', pending)).toBe(Number(backlog.n));
      // Placement (order.created, payment.attempted) and payment (payment.succeeded,
      // order.status_changed) wrote two events each.
      expect(sample(after, 'ordersession_outbox_backlog', pending)).toBe(
        sample(before, 'ordersession_outbox_backlog', pending) + 4,
      );
    });

    it('counts requests and latency per route template', async () => {
      const before = await scrape();
      const orderId = await traffic();
      const after = await scrape();
      const getOrder = { method: 'GET', route: '/api/orders/:id', status: '200' };
      expect(sample(after, 'ordersession_http_requests_total', getOrder)).toBe(
        sample(before, 'ordersession_http_requests_total', getOrder) + 1,
      );
      const latency = { method: 'GET', route: '/api/orders/:id' };
      expect(sample(after, 'ordersession_http_request_duration_seconds_count', latency)).toBe(
        sample(before, 'ordersession_http_request_duration_seconds_count', latency) + 1,
      );
      expect(after).not.toContain(`route="/api/orders/${orderId}"`);
    });
  });

  describe('request ids', () => {
    it('echoes the x-request-id it is sent', async () => {
      const response = await http().app.inject({
        method: 'GET',
        url: '/health',
        headers: { 'x-request-id': 'trace-abc-123' },
      });
      expect(response.headers['x-request-id']).toBe('trace-abc-123');
    });

    it('makes a new id for each request without one, on success and on failure alike', async () => {
      const ids = [];
      for (const url of ['/health', '/health', '/api/products', '/nowhere']) {
        const response = await http().app.inject({ method: 'GET', url });
        expect(response.statusCode).toBe(url === '/health' ? 200 : url === '/nowhere' ? 404 : 401);
        ids.push(response.headers['x-request-id']);
      }
      for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Set(ids).size).toBe(ids.length);
    });
  });

  it('limits order placement per user and minute with 429 RATE_LIMITED in the envelope', async () => {
    expect(loadConfig({}).rateLimits).toEqual({ ordersPerMinute: 120, retriesPerMinute: 30 });
    const limits = loadConfig({
      RATE_LIMIT_ORDERS_PER_MINUTE: '3',
      RATE_LIMIT_RETRIES_PER_MINUTE: '2',
    }).rateLimits;
    const h = await openHttpWith(store(), testConfig({ rateLimits: limits }));
    try {
      const tenant = newTenantId();
      const [variant] = await h.seedProducts(tenant, { onHand: 100 });
      if (!variant) throw new Error('no variant');
      const answers = [];
      for (let i = 0; i < 4; i++)
        answers.push(await placeOrderHttp(h, tenant, 'greedy', [[variant, 1]]));
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 429]);
      expect(answers[3]?.body).toMatchObject({ success: false, error: 'RATE_LIMITED' });
      expect((await placeOrderHttp(h, tenant, 'patient', [[variant, 1]])).status).toBe(201);
      const greedy = await h.as(tenant, 'greedy').get<{ items: unknown[] }>('/api/orders');
      expect(greedy.body.data.items).toHaveLength(3);

      // Payment retries have their own limit: the third is refused before it is even tried.
      const { orderId } = await placeOne(h, tenant, 'retrier', [[variant, 1]]);
      const retries = [];
      for (let i = 0; i < 3; i++) retries.push(await retryPayment(h, tenant, orderId, 'retrier'));
      expect(retries.map((r) => r.status)).toEqual([200, 200, 429]);
      expect(retries[2]?.body.error).toBe('RATE_LIMITED');
    } finally {
      await h.close();
    }
  });

  it('describes every route but the hidden sandbox pages in /api-docs/json', async () => {
    const app = http().app;
    const doc = (await app.inject({ method: 'GET', url: '/api-docs/json' })).json<{
      paths: Record<string, Record<string, { summary?: string }>>;
    }>();
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, op]) => ({
        route: `${method.toUpperCase()} ${path}`,
        op,
      })),
    );
    for (const route of [
      'GET /health',
      'GET /ready',
      'GET /metrics',
      'PUT /api/orders/{id}/status',
      'PUT /api/orders/{id}/shipping-cost',
      'POST /api/orders/{id}/cancel',
      'POST /api/orders/{id}/refund-request',
      'GET /api/orders/{id}/history',
      'GET /api/admin/orders',
      'GET /api/admin/orders/{id}',
      'PUT /api/admin/orders/{id}/status',
      'POST /api/payments/webhook',
    ]) {
      expect(documented.map((d) => d.route)).toContain(route);
    }
    for (const { route, op } of documented) expect(op.summary, route).toBeTruthy();
    expect(documented.some((d) => d.route.includes('/sandbox/'))).toBe(false);
  });

  describe('graceful shutdown', () => {
    /** A config for a real server on a free loopback port, over a database of its own. */
    async function ownDatabase(): Promise<{
      config: Config;
      count: () => Promise<number>;
      drop: () => Promise<void>;
    }> {
      const base = testConfig({ port: 0, host: '127.0.0.1', logLevel: 'silent' });
      const countIn = async (opened: SqlStore) => {
        try {
          const row = await opened.db
            .selectFrom('orders')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow();
          return Number(row.n);
        } finally {
          await opened.close();
        }
      };
      if (store().kind === 'embedded') {
        const dataDir = mkdtempSync(join(tmpdir(), 'ordersession-stop-'));
        return {
          config: { ...base, databaseUrl: undefined, dataDir },
          count: async () => countIn(await openEmbedded({ dataDir: join(dataDir, 'pglite') })),
          drop: async () => rmSync(dataDir, { recursive: true, force: true }),
        };
      }
      const url = inject('postgresUrl') ?? '';
      const schema = `t_stop_${randomUUID().slice(0, 8)}`;
      const admin = openPostgres({ url, poolSize: 1 });
      await sql.raw(`CREATE SCHEMA ${schema}`).execute(admin.db);
      await admin.close();
      return {
        config: { ...base, databaseUrl: `${url}?options=-c%20search_path%3D${schema}` },
        count: () => countIn(openPostgres({ url, schema, poolSize: 1 })),
        drop: async () => {
          const cleanup = openPostgres({ url, poolSize: 1 });
          await sql.raw(`DROP SCHEMA ${schema} CASCADE`).execute(cleanup.db);
          await cleanup.close();
        },
      };
    }

    type Send = (
      url: string,
      headers: Record<string, string>,
      json: string,
      rest: Promise<void>,
    ) => Promise<number>;
    /** node:http without an agent: `Connection: close`, the body's second half after `rest`. */
    const closingClient: Send = (url, headers, json, rest) =>
      new Promise((resolve, reject) => {
        const length = String(Buffer.byteLength(json));
        const options = {
          method: 'POST',
          agent: false,
          headers: { ...headers, 'content-length': length },
        };
        const req = request(url, options, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.write(json.slice(0, 20));
        void rest.then(() => req.end(json.slice(20)));
      });
    /** fetch, keeping its connections alive as browsers and proxies do. */
    const keepAliveClient: Send = (url, headers, json, rest) => {
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode(json.slice(0, 20)));
          await rest;
          controller.enqueue(encoder.encode(json.slice(20)));
          controller.close();
        },
      });
      const init = { method: 'POST', headers, body, duplex: 'half' };
      return fetch(url, init as RequestInit).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });
    };

    /**
     * Starts the service on a database of its own, sends 30 orders whose bodies stop halfway,
     * and calls stop() once the server has received all 30; then lets the bodies finish.
     */
    async function stopUnderLoad(send: Send) {
      const own = await ownDatabase();
      const service = await startService(own.config, {
        clock: manualClock(),
        gatewayKey: GATEWAY_KEY,
        webhookSecret: 'stop-test-webhook-secret-0123',
        logger: pino({ level: 'silent' }),
      });
      const tenant = newTenantId();
      const admin = { tenantId: tenant, userId: 'admin-1', role: 'admin' as const };
      const product = {
        sku: 'STOP-1',
        name: 'Stop',
        priceCents: 100,
        currency: 'USD',
        onHand: 100,
      };
      const created = await service.system.catalog.createProduct(admin, product);
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      let arrived = 0;
      const allArrived = new Promise<void>((resolve) => {
        service.app.server.on('request', () => {
          if (++arrived === 30) resolve();
        });
      });
      let finishBodies!: () => void;
      const rest = new Promise<void>((resolve) => {
        finishBodies = resolve;
      });
      const statuses = Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          send(
            `${service.address}/api/orders`,
            {
              'x-gateway-key': GATEWAY_KEY,
              'x-tenant-id': tenant,
              'x-user-id': `buyer-${i}`,
              'content-type': 'application/json',
            },
            JSON.stringify({
              items: [{ variantId: created.value.id, quantity: 1 }],
              shippingAddress: ADDRESS,
              idempotencyKey: randomUUID(),
            }),
            rest,
          ),
        ),
      );
      await allArrived;
      let stopped = false;
      const stopping = service.stop().then(() => {
        stopped = true;
      });
      await new Promise((resolve) => setImmediate(resolve));
      const early = { listening: service.app.server.listening, stopped };
      finishBodies();
      return { own, service, statuses: await statuses, stopping, early };
    }

    it('finishes the 30 requests in flight, then refuses connections and closes the database', async () => {
      const { own, service, statuses, stopping, early } = await stopUnderLoad(closingClient);
      try {
        // No longer listening as soon as stop() began, and not stopped while requests ran.
        expect(early).toEqual({ listening: false, stopped: false });
        expect(statuses).toEqual(Array(30).fill(201));
        await stopping;
        await expect(fetch(`${service.address}/health`)).rejects.toThrow();
        await expect(sql`SELECT 1`.execute(service.system.store.db)).rejects.toThrow();
        expect(await own.count()).toBe(30);
      } finally {
        await own.drop();
      }
    });

    it('stops within 2 s of answering the requests in flight', async () => {
      const { own, service, statuses, stopping } = await stopUnderLoad(keepAliveClient);
      try {
        expect(statuses).toEqual(Array(30).fill(201));
        const timeout = new Promise((resolve) => setTimeout(resolve, 2000, 'still stopping'));
        expect(await Promise.race([stopping.then(() => 'stopped'), timeout])).toBe('stopped');
      } finally {
        service.app.server.closeAllConnections();
        await stopping;
        await own.drop();
      }
    });
  });
});
