import type { InjectOptions } from 'fastify';
import { pino } from 'pino';
import { expect } from 'vitest';
import type { Config } from '../../../src/config.ts';
import type { SqlStore } from '../../../src/store/sql/database.ts';
import { buildHttp, openSystem, type System } from '../../../src/system.ts';
import { manualClock } from '../../support/clock.ts';
import { testConfig } from '../../support/configured-http.ts';
import { type AcpKind, expectAcp } from './schemas.ts';

export const ACP_WEBHOOK_SECRET = 'acp-webhook-secret-for-tests-0123';
export const SIMULATION_SECRET = 'simulation-secret-for-acp-tests';

export interface AcpAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read ACP bodies by path; the schemas check their shape.
  body: any;
  headers: Record<string, unknown>;
}

export interface AcpApp {
  system: System;
  app: Awaited<ReturnType<typeof buildHttp>>;
  clock: ReturnType<typeof manualClock>;
  close(): Promise<void>;
}

/** The HTTP app with ACP webhooks to `webhookUrl` (loopback allowed for the fake platform). */
export async function openAcpApp(
  store: SqlStore,
  tenant: string,
  webhookUrl?: string,
): Promise<AcpApp> {
  const base = testConfig({ defaultTenantId: tenant, publicBaseUrl: 'http://merchant.test' });
  const config: Config = {
    ...base,
    agents: {
      ...base.agents,
      simulationSecret: SIMULATION_SECRET,
      outbound: { httpsOnly: false, allowPrivate: true },
      acp: { webhookUrl, webhookSecret: webhookUrl ? ACP_WEBHOOK_SECRET : undefined },
    },
  };
  const clock = manualClock(new Date());
  const system = await openSystem(config, {
    store,
    clock,
    gatewayKey: 'test-gateway-key-0123456789abcdef',
    webhookSecret: 'test-webhook-secret-0123456789',
    logger: pino({ level: 'silent' }),
  });
  const app = await buildHttp(system);
  await app.ready();
  return { system, app, clock, close: () => app.close() };
}

export async function agentKey(system: System, tenantId: string): Promise<string> {
  const key = await system.agentKeys.create({ tenantId, userId: 'admin', role: 'admin' }, {});
  if (!key.ok) throw new Error(`no key: ${JSON.stringify(key.error)}`);
  return key.value.key;
}

/**
 * Sends an ACP request with the headers agents send, checks the answer is JSON and never a
 * 5xx, and validates it against the official JSON Schema: `kind` on success, `Error` otherwise.
 */
export async function acp(
  harness: AcpApp,
  options: InjectOptions & { key?: string | null; idempotencyKey?: string | null },
  kind?: AcpKind,
): Promise<AcpAnswer> {
  const { key, idempotencyKey, ...rest } = options;
  const response = await harness.app.inject({
    ...rest,
    headers: {
      'api-version': '2026-04-17',
      'request-id': crypto.randomUUID(),
      ...(idempotencyKey === null
        ? {}
        : { 'idempotency-key': idempotencyKey ?? crypto.randomUUID() }),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(rest.headers ?? {}),
    },
  });
  expect(response.statusCode, response.body).toBeLessThan(500);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body: unknown = response.json();
  if (response.statusCode >= 400) expectAcp('Error', body);
  else if (kind) expectAcp(kind, body);
  return { status: response.statusCode, body, headers: response.headers };
}
