import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS } from '../../src/app/seed-demo.ts';
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
  startServer,
} from './process.ts';

const PORT = await freePort();
const SECOND_PORT = await freePort();
/** The operator's folder: `.env` there says where the data lives (read at start, item 7). */
const CWD = mkdtempSync(join(tmpdir(), 'ordersession-lock-'));
const DATA = join(CWD, 'data');
// The environment wins over the file: LOG_LEVEL=silent here, info in the environment.
writeFileSync(join(CWD, '.env'), `DATA_DIR=./data\nPORT=${PORT}\nLOG_LEVEL=silent\n`);
const env = childEnv({ SEED_DEMO: 'false' });

/** Every file under the data folder with its size and modification time, but the lock itself. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.name === 'ordersession.lock') continue;
      if (entry.isDirectory()) walk(path);
      else {
        const stat = statSync(path);
        files[relative(dir, path)] = `${stat.size}@${stat.mtimeMs}`;
      }
    }
  };
  walk(dir);
  return files;
}

const tenant = 'demo';
const buyer = 'lock-buyer';

async function placeOrder(url: string): Promise<string> {
  const answer = await call<{ orders: { id: string }[] }>(`${url}/api/orders`, {
    method: 'POST',
    headers: { ...gateway(tenant, buyer), 'idempotency-key': randomUUID() },
    body: {
      items: [{ variantId: DEMO_PRODUCTS[1].id, quantity: 1 }],
      shippingAddress: ADDRESS,
    },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  const id = answer.body.data.orders[0]?.id;
  if (!id) throw new Error('no order id');
  return id;
}

// Real processes on a shared machine: starting one can take half a minute under load.
describe('one owner of the embedded store (real processes)', { timeout: 240_000 }, () => {
  let server: Child | undefined;
  const placed: string[] = [];

  beforeAll(async () => {
    server = await startServer({ cwd: CWD, env, port: PORT });
  });
  afterAll(async () => {
    await killChild(server);
    rmSync(CWD, { recursive: true, force: true });
  });

  it('reads .env at start, the environment winning over the file', () => {
    // DATA_DIR and PORT came from the file; LOG_LEVEL=info from the environment (logs appear).
    expect(server?.output()).toContain(`serving on http://127.0.0.1:${PORT}`);
    expect(server?.output()).toContain(`"msg":"Server listening at http://127.0.0.1:${PORT}"`);
    const owner = JSON.parse(readFileSync(join(DATA, 'owner.json'), 'utf8'));
    expect(owner).toMatchObject({ pid: server?.pid, command: 'serve' });
  });

  it('refuses a second server at once, naming the holder, and writes nothing', async () => {
    const before = snapshot(DATA);
    const second = await runCli(['serve'], {
      cwd: CWD,
      env: { ...env, PORT: String(SECOND_PORT) },
    });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      `the server (pid ${server?.pid}) holds ./data; stop it or use its API`,
    );
    // Refused on sight: it did not wait out the 5 s a dead holder's lock takes to go stale.
    expect(second.stderr).not.toContain('took over');
    expect(snapshot(DATA)).toEqual(before);
    await expect(fetch(`http://127.0.0.1:${SECOND_PORT}/health`)).rejects.toThrow();
    // `migrate` needs the store itself: refused the same way.
    const migrate = await runCli(['migrate'], { cwd: CWD, env });
    expect({ code: migrate.code, stderr: migrate.stderr }).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`the server (pid ${server?.pid}) holds ./data`),
    });
    expect(snapshot(DATA)).toEqual(before);
  });

  it('runs seed-demo, expire --once, relay --once and relay --unpark through the server', async () => {
    const url = server?.url ?? '';
    const empty = await call<{ items: unknown[] }>(`${url}/api/products`, {
      headers: gateway(tenant, buyer),
    });
    expect(empty.body.data.items).toHaveLength(0);
    const through = `(run by the server at ${url})`;
    const seed = await runCli(['seed-demo'], { cwd: CWD, env });
    expect(seed).toMatchObject({ code: 0 });
    expect(seed.stdout).toContain(`demo catalog: ${DEMO_PRODUCTS.length} product(s) added`);
    expect(seed.stdout).toContain(through);
    const seeded = await call<{ items: unknown[] }>(`${url}/api/products`, {
      headers: gateway(tenant, buyer),
    });
    expect(seeded.body.data.items).toHaveLength(DEMO_PRODUCTS.length);

    placed.push(await placeOrder(url));
    const relay = await runCli(['relay', '--once'], { cwd: CWD, env });
    expect(relay.code, relay.stderr).toBe(0);
    expect(relay.stdout).toMatch(/relayed to log: \d+ published, 0 to retry, 0 parked/);
    expect(relay.stdout).toContain(through);
    for (const args of [
      ['expire', '--once'],
      ['relay', '--unpark'],
    ]) {
      const run = await runCli(args, { cwd: CWD, env });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(through);
    }
  });

  it('refuses the maintenance API without the token of the data folder', async () => {
    const url = server?.url ?? '';
    const none = await call(`${url}/ops/seed-demo`, { method: 'POST' });
    const wrong = await call(`${url}/ops/seed-demo`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-the-token' },
    });
    for (const answer of [none, wrong]) {
      expect({ status: answer.status, error: answer.body.error }).toEqual({
        status: 401,
        error: 'UNAUTHENTICATED',
      });
    }
  });

  it('keeps all 10 orders answered 201 across seed-demo, kill -9 and a restart', async () => {
    const url = server?.url ?? '';
    while (placed.length < 5) placed.push(await placeOrder(url));
    const seed = await runCli(['seed-demo'], { cwd: CWD, env });
    expect(seed.code, seed.stderr).toBe(0);
    for (let i = 0; i < 5; i++) placed.push(await placeOrder(url));
    const killed = server;
    await killChild(killed);
    expect(isRunning(killed?.pid ?? 0)).toBe(false);

    // The dead server's lock is left behind; the new one takes it over.
    server = await startServer({ cwd: CWD, env, port: PORT });
    const owner = JSON.parse(readFileSync(join(DATA, 'owner.json'), 'utf8'));
    expect(owner.pid).toBe(server.pid);
    expect(placed).toHaveLength(10);
    for (const id of placed) {
      const answer = await call<{ id: string }>(`${server.url}/api/orders/${id}`, {
        headers: gateway(tenant, buyer),
      });
      expect(answer.status, id).toBe(200);
    }
    const listed = await call<{ items: unknown[] }>(`${server.url}/api/orders?limit=100`, {
      headers: gateway(tenant, buyer),
    });
    expect(listed.body.data.items).toHaveLength(10);
  });

  it('lets a CLI command take a killed server’s lock and open the store itself', async () => {
    const killed = server;
    await killChild(killed);
    const expire = await runCli(['expire', '--once'], { cwd: CWD, env });
    expect(expire.code, expire.stderr).toBe(0);
    expect(expire.stdout).toMatch(/^expired \d+ order session\(s\)/m);
    expect(expire.stdout).not.toContain('run by the server');
    expect(expire.stdout).toContain('took over a dead process’s lock');
    expect(expire.stdout).toContain(`"previous":{"pid":${killed?.pid},"command":"serve"}`);
    expect(expire.stdout).not.toContain('token');
  });
});
