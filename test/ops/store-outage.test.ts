import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrateToLatest, openPostgres, type SqlStore } from '../../src/store/sql/database.ts';
import { ADDRESS } from '../support/fixtures.ts';
import { startTcpProxy, type TcpProxy } from '../support/outbox.ts';
import { freePort } from '../support/ports.ts';
import { type Child, call, childEnv, gateway, killChild, startServer } from './process.ts';

const PORT = await freePort();
const postgresUrl = inject('postgresUrl');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Attempt {
  key: string;
  status: number;
  error?: string | undefined;
  retryAfter?: string | null;
  orderId?: string | undefined;
}

/**
 * A server on PostgreSQL through a TCP proxy: its connections can be terminated by the database
 * (pg_terminate_backend, as a restart or failover does) or cut altogether (the proxy closes).
 */
function outageSuite(url: string) {
  const schema = `t_outage_${randomUUID().slice(0, 8)}`;
  const application = `ops-outage-${randomUUID().slice(0, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), 'ordersession-outage-'));
  let admin: SqlStore;
  let proxy: TcpProxy;
  let server: Child | undefined;
  let tenant = '';
  let variantId = '';
  const target = new URL(url);

  beforeAll(async () => {
    admin = openPostgres({ url, poolSize: 2 });
    await sql.raw(`CREATE SCHEMA ${schema}`).execute(admin.db);
    const own = openPostgres({ url, schema, poolSize: 1 });
    await migrateToLatest(own.db);
    await own.close();
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const through = new URL(url);
    through.host = `127.0.0.1:${proxy.port}`;
    through.searchParams.set('options', `-c search_path=${schema}`);
    through.searchParams.set('application_name', application);
    server = await startServer({
      cwd: dir,
      env: childEnv({ DATABASE_URL: through.toString(), DATA_DIR: dir, PORT: String(PORT) }),
      port: PORT,
    });
    tenant = `outage-${randomUUID().slice(0, 8)}`;
    const created = await call<{ id: string }>(`${server.url}/api/admin/products`, {
      method: 'POST',
      headers: gateway(tenant, 'admin-1', 'admin'),
      body: { sku: 'OUT-1', name: 'Outage', priceCents: 500, currency: 'USD', onHand: 100_000 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    variantId = created.body.data.id;
  });

  afterAll(async () => {
    await killChild(server);
    await proxy?.close();
    await sql.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).execute(admin.db);
    await admin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function place(key: string = randomUUID()): Promise<Attempt> {
    const answer = await call<{ orders: { id: string }[] }>(`${server?.url}/api/orders`, {
      method: 'POST',
      headers: { ...gateway(tenant, 'buyer-1'), 'idempotency-key': key },
      body: { items: [{ variantId, quantity: 1 }], shippingAddress: ADDRESS },
    });
    return {
      key,
      status: answer.status,
      error: answer.body.error,
      retryAfter: answer.headers.get('retry-after'),
      orderId: answer.body.data?.orders?.[0]?.id,
    };
  }

  const terminateAll = async () => {
    const { rows } = await sql<{ pid: number }>`
      SELECT pg_terminate_backend(pid) AS done, pid FROM pg_stat_activity
      WHERE application_name = ${application}`.execute(admin.db);
    return rows.length;
  };

  const attempts: Attempt[] = [];

  it('stays up while every pool connection is terminated under load, answering 201 or 503 STORE_UNAVAILABLE', async () => {
    let running = true;
    const failures: string[] = [];
    const loops = Array.from({ length: 8 }, async () => {
      while (running) {
        try {
          attempts.push(await place());
        } catch (err) {
          failures.push(String(err));
        }
      }
    });
    let terminated = 0;
    for (let round = 0; round < 4; round++) {
      await sleep(700);
      terminated += await terminateAll();
    }
    await sleep(700);
    running = false;
    await Promise.all(loops);

    expect(failures).toEqual([]);
    expect(terminated).toBeGreaterThanOrEqual(4);
    expect(server?.process.exitCode).toBeNull();
    for (const attempt of attempts) {
      if (attempt.status === 201) continue;
      expect(attempt).toMatchObject({ status: 503, error: 'STORE_UNAVAILABLE', retryAfter: '2' });
    }
    expect(attempts.filter((a) => a.status === 201).length).toBeGreaterThan(0);
    expect(server?.output()).toContain('database: ');
    // Serving again, with no restart.
    const after = await place();
    expect(after.status).toBe(201);
    attempts.push(after);
  });

  it('answers /ready and requests with 503 in the envelope while the database is gone, then serves again', async () => {
    await proxy.close();
    const ready = await call(`${server?.url}/ready`);
    expect({ status: ready.status, success: ready.body.success }).toEqual({
      status: 503,
      success: false,
    });
    const gone = await place();
    expect(gone).toMatchObject({ status: 503, error: 'STORE_UNAVAILABLE', retryAfter: '2' });
    attempts.push(gone);
    expect(server?.process.exitCode).toBeNull();

    await proxy.reopen();
    let back = 0;
    for (let i = 0; i < 100 && back !== 200; i++) {
      back = (await call(`${server?.url}/ready`)).status;
      if (back !== 200) await sleep(100);
    }
    expect(back).toBe(200);
    const again = await place();
    expect(again.status).toBe(201);
    attempts.push(again);
  });

  it('re-establishes the relay’s LISTEN by itself: a new order’s event is relayed without polling', async () => {
    for (
      let i = 0;
      i < 100 && !server?.output().includes('LISTEN connection re-established');
      i++
    ) {
      await sleep(100);
    }
    expect(server?.output()).toContain('LISTEN connection re-established');
    const placed = await place();
    expect(placed.status).toBe(201);
    attempts.push(placed);
    // The relay polls every 10 minutes here: only a NOTIFY can wake it this soon.
    let published: Date | null = null;
    for (let i = 0; i < 100 && !published; i++) {
      const row = await sql<{ published_at: Date | null }>`
        SELECT published_at FROM ${sql.id(schema, 'outbox')}
        WHERE tenant_id = ${tenant} AND aggregate_id = ${placed.orderId ?? ''}
          AND type = 'order.created'`.execute(admin.db);
      published = row.rows[0]?.published_at ?? null;
      if (!published) await sleep(100);
    }
    expect(published).toBeInstanceOf(Date);
  });

  it('lost no order: every 201 is stored, and each 503 retried with its key places it once', async () => {
    for (const attempt of attempts.filter((a) => a.status === 503)) {
      const retried = await place(attempt.key);
      expect([200, 201]).toContain(retried.status);
      attempt.orderId = retried.orderId;
    }
    const { rows } = await sql<{ id: string }>`
      SELECT id FROM ${sql.id(schema, 'orders')} WHERE tenant_id = ${tenant}`.execute(admin.db);
    const stored = new Set(rows.map((row) => row.id));
    for (const attempt of attempts) expect(stored.has(attempt.orderId ?? '')).toBe(true);
    expect(stored.size).toBe(new Set(attempts.map((a) => a.key)).size);
  });
}

if (postgresUrl === null) {
  describe.skip(`surviving the database [postgres skipped: ${inject('postgresSkipReason')}]`, () => {
    it('needs PostgreSQL', () => {});
  });
} else {
  describe('surviving the database (PostgreSQL, real process)', { timeout: 240_000 }, () =>
    outageSuite(postgresUrl),
  );
}
