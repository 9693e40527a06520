import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrateToLatest, openPostgres, type SqlStore } from '../../src/store/sql/database.ts';
import { ADDRESS } from '../support/fixtures.ts';
import { freePort } from '../support/ports.ts';
import {
  type Child,
  call,
  childEnv,
  gateway,
  isRunning,
  killChild,
  runCli,
  startChild,
} from './process.ts';

const postgresUrl = inject('postgresUrl');
const TSX = join(import.meta.dirname, '../../node_modules/tsx/dist/loader.mjs');
const CLI = join(import.meta.dirname, '../../src/cli.ts');
const GRACE_MS = 20_000;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ordersession-cluster-'));
  dirs.push(dir);
  return dir;
}

interface Answer {
  status: number;
  error?: string;
  orderId?: string;
}

/**
 * POST /api/orders over `agent`; the body stops after 20 bytes until `rest` resolves, so that a
 * test can hold requests in flight. A reset or a cut answer rejects.
 */
function postOrder(
  url: string,
  agent: Agent,
  tenant: string,
  body: { variantId: string; quantity: number },
  key: string,
  rest: Promise<void> = Promise.resolve(),
): Promise<Answer> {
  const json = JSON.stringify({
    items: [{ variantId: body.variantId, quantity: body.quantity }],
    shippingAddress: ADDRESS,
  });
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/orders`,
      {
        method: 'POST',
        agent,
        headers: {
          ...gateway(tenant, `buyer-${key}`),
          'idempotency-key': key,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(json)),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('error', reject);
        res.on('end', () => {
          try {
            const parsed = JSON.parse(text) as {
              error?: string;
              data?: { orders: { id: string }[] };
            };
            resolve({
              status: res.statusCode ?? 0,
              ...(parsed.error ? { error: parsed.error } : {}),
              ...(parsed.data?.orders[0] ? { orderId: parsed.data.orders[0].id } : {}),
            });
          } catch (err) {
            reject(err);
          }
        });
      },
    );
    req.on('error', reject);
    req.write(json.slice(0, 20));
    void rest.then(() => req.end(json.slice(20)));
  });
}

/** The pids that logged an incoming POST /api/orders (pino writes each process's pid). */
function orderPids(child: Child): number[] {
  const pids = new Set<number>();
  for (const line of child.output().split('\n')) {
    if (!line.includes('"incoming request"') || !line.includes('"url":"/api/orders"')) continue;
    const pid = line.match(/"pid":(\d+)/)?.[1];
    if (pid) pids.add(Number(pid));
  }
  return [...pids];
}

function ordersReceived(child: Child): number {
  return child
    .output()
    .split('\n')
    .filter((line) => line.includes('"incoming request"') && line.includes('"url":"/api/orders"'))
    .length;
}

describe('serve --workers (embedded store)', () => {
  it('refuses more than one process on the embedded store, and says why', async () => {
    const dir = dataDir();
    const run = await runCli(['serve', '--workers', '2'], {
      cwd: dir,
      env: childEnv({ DATA_DIR: dir, PORT: String(await freePort()) }),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('WORKERS: 2 processes need PostgreSQL (DATABASE_URL)');
  });

  it('refuses a WORKERS that is not a count', async () => {
    const dir = dataDir();
    const run = await runCli(['serve'], {
      cwd: dir,
      env: childEnv({ DATA_DIR: dir, WORKERS: 'many' }),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('WORKERS');
    expect(run.stderr).toContain('a whole number from 1 to 256, or auto');
  });
});

function clusterSuite(url: string) {
  const schema = `t_cluster_${randomUUID().slice(0, 8)}`;
  const dir = dataDir();
  let admin: SqlStore;
  let server: Child | undefined;
  let base = '';

  beforeAll(async () => {
    admin = openPostgres({ url, poolSize: 2 });
    await sql.raw(`CREATE SCHEMA ${schema}`).execute(admin.db);
    const own = openPostgres({ url, schema, poolSize: 1 });
    await migrateToLatest(own.db);
    await own.close();
    const database = new URL(url);
    database.searchParams.set('options', `-c search_path=${schema}`);
    const port = await freePort();
    server = await startChild(process.execPath, ['--import', TSX, CLI, 'serve', '--workers', '2'], {
      cwd: dir,
      env: childEnv({
        DATABASE_URL: database.toString(),
        DATA_DIR: dir,
        PORT: String(port),
        SHUTDOWN_GRACE_MS: String(GRACE_MS),
        DATABASE_POOL_SIZE: '4',
      }),
      port,
      ready: /2 HTTP processes \(pids \d+, \d+\)/,
    });
    base = server.url;
  });

  afterAll(async () => {
    await killChild(server);
    await sql.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).execute(admin.db);
    await admin.close();
  });

  it('sells exactly the stock across both processes, places one order per key, then drains on SIGTERM and exits 0', async () => {
    const child = server as Child;
    const workerPids = (
      child
        .output()
        .match(/pids (\d+), (\d+)/)
        ?.slice(1) ?? []
    ).map(Number);
    expect(workerPids).toHaveLength(2);
    const tenant = `cluster-${randomUUID().slice(0, 8)}`;
    const created = await call<{ id: string }>(`${base}/api/admin/products`, {
      method: 'POST',
      headers: gateway(tenant, 'admin-1', 'admin'),
      body: { sku: 'CL-1', name: 'Cluster', priceCents: 250, currency: 'USD', onHand: 101 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const variantId = created.body.data.id;
    const agent = new Agent({ keepAlive: true, maxSockets: 80 });

    // 80 buyers of 2 units against 101, on 80 connections shared out between the processes.
    const race = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        postOrder(base, agent, tenant, { variantId, quantity: 2 }, `race-${i}`),
      ),
    );
    expect(race.filter((a) => a.status === 201)).toHaveLength(50);
    expect(race.filter((a) => a.status !== 201).map((a) => `${a.status} ${a.error}`)).toEqual(
      Array(30).fill('409 INSUFFICIENT_STOCK'),
    );
    const stock = await admin.db
      .withSchema(schema)
      .selectFrom('product_variants')
      .select(['on_hand', 'reserved'])
      .where('tenant_id', '=', tenant)
      .where('id', '=', variantId)
      .executeTakeFirstOrThrow();
    expect({ onHand: stock.on_hand, reserved: stock.reserved }).toEqual({
      onHand: 101,
      reserved: 100,
    });
    // Both processes took part.
    expect(orderPids(child).sort()).toEqual([...workerPids].sort());

    // One key sent five times at once, over connections to both processes: one order.
    const more = await call<{ id: string }>(`${base}/api/admin/products`, {
      method: 'POST',
      headers: gateway(tenant, 'admin-1', 'admin'),
      body: { sku: 'CL-2', name: 'Plenty', priceCents: 100, currency: 'USD', onHand: 1000 },
    });
    const plenty = more.body.data.id;
    const sameKey = await Promise.all(
      Array.from({ length: 5 }, () =>
        postOrder(base, agent, tenant, { variantId: plenty, quantity: 1 }, 'one-key'),
      ),
    );
    // The first places it (201); the others replay it (200) or find it still running (409).
    const placed = new Set(sameKey.filter((a) => a.orderId).map((a) => a.orderId));
    expect(placed.size).toBe(1);
    expect(sameKey.filter((a) => a.status === 201)).toHaveLength(1);
    for (const answer of sameKey) {
      if (!answer.orderId)
        expect(`${answer.status} ${answer.error}`).toBe('409 IDEMPOTENCY_KEY_IN_USE');
    }

    // 20 requests held in flight, then SIGTERM to the primary: every one is answered.
    const before = ordersReceived(child);
    let finishBodies!: () => void;
    const rest = new Promise<void>((resolve) => {
      finishBodies = resolve;
    });
    const inFlight = Array.from({ length: 20 }, (_, i) =>
      postOrder(base, agent, tenant, { variantId: plenty, quantity: 1 }, `drain-${i}`, rest).then(
        (answer) => answer,
        (err: Error) => err,
      ),
    );
    for (let i = 0; i < 600 && ordersReceived(child) < before + 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(ordersReceived(child)).toBeGreaterThanOrEqual(before + 20);
    const signalledAt = Date.now();
    child.process.kill('SIGTERM');
    for (let i = 0; i < 300 && !child.output().includes('shutting down'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    finishBodies();
    const answers = await Promise.all(inFlight);
    const exit = await child.exited;
    agent.destroy();
    expect(answers.filter((a) => a instanceof Error).map(String)).toEqual([]);
    expect((answers as Answer[]).map((a) => a.status)).toEqual(Array(20).fill(201));
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(GRACE_MS);
    for (const pid of workerPids) expect(isRunning(pid)).toBe(false);
    const drained = await admin.db
      .withSchema(schema)
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenant)
      .executeTakeFirstOrThrow();
    expect(Number(drained.n)).toBe(50 + 1 + 20);
  });
}

if (postgresUrl === null) {
  describe.skip(`serve --workers [postgres skipped: ${inject('postgresSkipReason')}]`, () => {
    it('needs PostgreSQL', () => {});
  });
} else {
  describe('serve --workers 2 on PostgreSQL (real processes)', { timeout: 240_000 }, () =>
    clusterSuite(postgresUrl),
  );
}
