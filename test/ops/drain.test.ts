import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startService } from '../../src/service.ts';
import { isConnectionError } from '../../src/store/sql/unavailable.ts';
import { testConfig } from '../support/configured-http.ts';
import { GATEWAY_KEY } from '../support/http.ts';
import { freePort } from '../support/ports.ts';

const dir = mkdtempSync(join(tmpdir(), 'ordersession-drain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('draining', { timeout: 120_000 }, () => {
  it('turns /ready unready first and keeps serving for SHUTDOWN_DELAY_MS, then stops listening', async () => {
    const service = await startService(
      testConfig({
        port: await freePort(),
        host: '127.0.0.1',
        dataDir: dir,
        databaseUrl: undefined,
        shutdown: { graceMs: 10_000, delayMs: 1500 },
      }),
      {
        gatewayKey: GATEWAY_KEY,
        webhookSecret: 'drain-webhook-secret-0123',
        logger: pino({ level: 'silent' }),
      },
    );
    expect((await fetch(`${service.address}/ready`)).status).toBe(200);
    const stopping = service.stop();
    const ready = await fetch(`${service.address}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('1');
    expect(await ready.json()).toMatchObject({ success: false, error: 'SHUTTING_DOWN' });
    const health = await fetch(`${service.address}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('connection')).toBe('close');
    expect(await stopping).toEqual({ cut: 0, clean: true });
    await expect(fetch(`${service.address}/health`)).rejects.toThrow();
  });
});

describe('telling a lost database from a bad statement', () => {
  const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  it('counts dropped, refused and terminated connections as unavailable', () => {
    for (const err of [
      coded('ECONNREFUSED'),
      coded('ECONNRESET'),
      coded('57P01', 'terminating connection due to administrator command'),
      coded('08006'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      expect(isConnectionError(err), err.message).toBe(true);
    }
  });
  it('leaves constraint violations and syntax errors alone', () => {
    for (const err of [coded('23505'), coded('42601'), coded('40001'), new Error('boom'), 'text']) {
      expect(isConnectionError(err)).toBe(false);
    }
  });
});
