import type { InjectOptions } from 'fastify';
import { expect } from 'vitest';
import type { Config } from '../../../src/config.ts';
import type { SqlStore } from '../../../src/store/sql/database.ts';
import { testConfig } from '../../support/configured-http.ts';
import { type HttpHarness, openHttp } from '../../support/http.ts';
import { expectUcp, type UcpKind } from './schemas.ts';

export const SIMULATION_SECRET = 'simulation-secret-for-tests';
export const UCP_AGENT = 'profile="https://platform.example/profiles/agent.json"';

export interface UcpAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read UCP bodies by path; the schemas check their shape.
  body: any;
  text: string;
  headers: Record<string, unknown>;
}

/** The UCP binding's config for tests: `tenant` is the default (anonymous agents allowed). */
export function ucpConfig(tenant: string, patch: Partial<Config> = {}): Config {
  const base = testConfig({ defaultTenantId: tenant, publicBaseUrl: 'http://merchant.test' });
  return {
    ...base,
    agents: { ...base.agents, simulationSecret: SIMULATION_SECRET },
    ...patch,
  };
}

export function openUcpHttp(store: SqlStore, config: Config): Promise<HttpHarness> {
  return openHttp(store, config, { webhookSecret: 'configured-webhook-secret-0123456789' });
}

/**
 * Sends a UCP request with the headers platforms send, checks the answer is JSON and never a
 * 5xx, and validates it against the official schema: `kind` on success, the error response
 * otherwise.
 */
export async function ucp(
  harness: HttpHarness,
  options: InjectOptions & { key?: string; idempotencyKey?: string },
  kind?: UcpKind,
): Promise<UcpAnswer> {
  const { key, idempotencyKey, ...rest } = options;
  const response = await harness.app.inject({
    ...rest,
    headers: {
      'ucp-agent': UCP_AGENT,
      'request-id': crypto.randomUUID(),
      'idempotency-key': idempotencyKey ?? crypto.randomUUID(),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(rest.headers ?? {}),
    },
  });
  expect(response.statusCode, response.body).toBeLessThan(500);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body: unknown = response.json();
  if (response.statusCode >= 400) expectUcp('error', body);
  else if (kind) expectUcp(kind, body);
  return { status: response.statusCode, body, text: response.body, headers: response.headers };
}
