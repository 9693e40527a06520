import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openEmbedded } from '../../src/store/sql/database.ts';
import { ADDRESS } from '../support/fixtures.ts';
import { freePort } from '../support/ports.ts';
import {
  type Child,
  call,
  childEnv,
  gateway,
  isRunning,
  killChild,
  ROOT,
  startChild,
  startServer,
} from './process.ts';

const GRACE_MS = 20_000;
const dirs: string[] = [];
const children: Child[] = [];
afterAll(async () => {
  for (const child of children) await killChild(child);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ordersession-shutdown-'));
  dirs.push(dir);
  return dir;
}

interface Answered {
  status: number;
  connection: string | undefined;
  retryAfter: string | undefined;
  body: { success: boolean; error?: string; data?: { orders: { id: string }[] } };
}

/**
 * POST /api/orders over `agent` (kept-alive connections). The body stops after 20 bytes until
 * `rest` resolves; a reset or a cut answer rejects.
 */
function postOrder(
  url: string,
  agent: Agent,
  tenant: string,
  variantId: string,
  rest: Promise<void>,
): Promise<Answered> {
  const json = JSON.stringify({
    items: [{ variantId, quantity: 1 }],
    shippingAddress: ADDRESS,
    idempotencyKey: randomUUID(),
  });
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/orders`,
      {
        method: 'POST',
        agent,
        headers: {
          ...gateway(tenant, `buyer-${randomUUID().slice(0, 8)}`),
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
            resolve({
              status: res.statusCode ?? 0,
              connection: res.headers.connection,
              retryAfter: res.headers['retry-after'] as string | undefined,
              body: JSON.parse(text),
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

/** Resolves once the child has logged `count` incoming requests to /api/orders. */
async function received(child: Child, count: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const seen = child
      .output()
      .match(
        /"msg":"incoming request"[^\n]*"url":"\/api\/orders"|"url":"\/api\/orders"[^\n]*"msg":"incoming request"/g,
      );
    if ((seen?.length ?? 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server did not receive ${count} requests:\n${child.output().slice(-2000)}`);
}

async function waitFor(child: Child, text: string): Promise<void> {
  for (let i = 0; i < 300 && !child.output().includes(text); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(child.output()).toContain(text);
}

/** A tenant with one product of ample stock, created through the admin API. */
async function product(url: string): Promise<{ tenant: string; variantId: string }> {
  const tenant = `stop-${randomUUID().slice(0, 8)}`;
  const created = await call<{ id: string }>(`${url}/api/admin/products`, {
    method: 'POST',
    headers: gateway(tenant, 'admin-1', 'admin'),
    body: { sku: 'STOP-1', name: 'Stop', priceCents: 100, currency: 'USD', onHand: 1000 },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { tenant, variantId: created.body.data.id };
}

/** Opens `count` kept-alive connections to `url` (concurrent GETs) and leaves them idle. */
async function warmUp(url: string, agent: Agent, count: number): Promise<void> {
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          request(`${url}/health`, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve());
          })
            .on('error', reject)
            .end();
        }),
    ),
  );
}

describe('SIGTERM under load (real processes)', { timeout: 240_000 }, () => {
  it('answers all 50 requests in flight on kept-alive connections, 503s the late ones in the envelope, stores every 201 and exits 0 within the grace period', async () => {
    const dir = dataDir();
    const port = await freePort();
    const server = await startServer({
      cwd: dir,
      env: childEnv({ DATA_DIR: dir, PORT: String(port), SHUTDOWN_GRACE_MS: String(GRACE_MS) }),
      port,
    });
    children.push(server);
    const { tenant, variantId } = await product(server.url);
    const agent = new Agent({ keepAlive: true, maxSockets: 60 });
    await warmUp(server.url, agent, 60);

    let finishBodies!: () => void;
    const rest = new Promise<void>((resolve) => {
      finishBodies = resolve;
    });
    const inFlight = Array.from({ length: 50 }, () =>
      postOrder(server.url, agent, tenant, variantId, rest).then(
        (answer) => answer,
        (err: Error) => err,
      ),
    );
    await received(server, 50);

    const signalledAt = Date.now();
    server.process.kill('SIGTERM');
    await waitFor(server, 'shutting down');
    // New requests on the connections still open: our 503, asked to come back elsewhere.
    const late = await Promise.all(
      Array.from({ length: 10 }, () =>
        postOrder(server.url, agent, tenant, variantId, Promise.resolve()).then(
          (answer) => answer,
          (err: Error) => err,
        ),
      ),
    );
    finishBodies();
    const answers = await Promise.all(inFlight);
    const exit = await server.exited;
    agent.destroy();

    expect(answers.filter((a) => a instanceof Error).map(String)).toEqual([]);
    expect(late.filter((a) => a instanceof Error).map(String)).toEqual([]);
    const answered = answers as Answered[];
    expect(answered.map((a) => a.status)).toEqual(Array(50).fill(201));
    expect(answered.every((a) => a.connection === 'close')).toBe(true);
    for (const answer of late as Answered[]) {
      expect(answer).toMatchObject({
        status: 503,
        connection: 'close',
        retryAfter: '1',
        body: { success: false, error: 'SHUTTING_DOWN' },
      });
    }
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(GRACE_MS);

    const store = await openEmbedded({ dataDir: join(dir, 'pglite') });
    try {
      const stored = await store.db
        .selectFrom('orders')
        .select('id')
        .where('tenant_id', '=', tenant)
        .execute();
      const ids = answered.map((a) => a.body.data?.orders[0]?.id);
      expect(stored.map((row) => row.id).sort()).toEqual([...ids].sort());
    } finally {
      await store.close();
    }
  });

  it('reaches the server through `npm start`: it answers what is in flight, exits 0, and no process is left', async () => {
    const dir = dataDir();
    const port = await freePort();
    const npm = await startChild('npm', ['start'], {
      cwd: ROOT,
      env: childEnv({ DATA_DIR: dir, PORT: String(port) }),
      port,
    });
    children.push(npm);
    const owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as { pid: number };
    expect(owner.pid).not.toBe(npm.pid);
    const { tenant, variantId } = await product(npm.url);
    const agent = new Agent({ keepAlive: true, maxSockets: 10 });
    let finishBodies!: () => void;
    const rest = new Promise<void>((resolve) => {
      finishBodies = resolve;
    });
    const inFlight = Array.from({ length: 5 }, () =>
      postOrder(npm.url, agent, tenant, variantId, rest),
    );
    await received(npm, 5);
    npm.process.kill('SIGTERM');
    await waitFor(npm, 'shutting down');
    finishBodies();
    const answers = await Promise.all(inFlight);
    agent.destroy();
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(201));
    expect((await npm.exited).code).toBe(0);
    expect(isRunning(owner.pid)).toBe(false);
    await expect(fetch(`${npm.url}/health`)).rejects.toThrow();
  });
});
