import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { signServiceRequest } from '../../src/app/service-signature.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { SqlStore } from '../../src/store/sql/database.ts';
import { type HttpHarness, openHttp } from './http.ts';

/** The shared secret of the service-to-service calls in these tests (32+ characters). */
export const SERVICE_SECRET = 'service-secret-for-tests-0123456789abcdef';
export const WEBHOOK_SECRET = 'configured-webhook-secret-0123456789';

/** A config for tests: no demo data, service calls from `billing` only, unless patched. */
export function testConfig(patch: Partial<Config> = {}): Config {
  return {
    ...loadConfig({}),
    seedDemo: false,
    serviceSecret: SERVICE_SECRET,
    allowedServices: ['billing'],
    ...patch,
  };
}

/**
 * The same harness as `openHttp` (test/support/http.ts), over a system built with `config`:
 * service auth, rate limits and the like can be set per suite. Every secret is given, so that
 * nothing is written to a data folder.
 */
export function openHttpWith(store: SqlStore, config: Config): Promise<HttpHarness> {
  return openHttp(store, config, { webhookSecret: WEBHOOK_SECRET });
}

/** Opens `openHttpWith` on the suite's store before its tests; closes the server after. */
export function useHttpWith(store: () => SqlStore, config: () => Config): () => HttpHarness {
  let harness: HttpHarness | undefined;
  beforeAll(async () => {
    harness = await openHttpWith(store(), config());
  });
  afterAll(async () => {
    await harness?.close();
  });
  return () => {
    if (!harness) throw new Error('HTTP harness not open yet');
    return harness;
  };
}

export interface ServiceCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** The exact body text sent; none when undefined. */
  rawBody?: string;
  tenantId?: string;
  userId?: string;
  idempotencyKey?: string;
  service?: string;
  secret?: string;
  /** When it was signed. */
  signedAt: Date;
  /** A fresh one unless given. */
  nonce?: string;
  /** Sign something else than what is sent (tampering tests). */
  signed?: {
    url?: string;
    rawBody?: string;
    method?: string;
    tenantId?: string;
    userId?: string;
    idempotencyKey?: string;
  };
  /** Override the X-Service-Name header. */
  nameHeader?: string;
}

/** The inject options of a signed service call: the signed headers, with what was sent. */
export function serviceRequest(call: ServiceCall): InjectOptions {
  const signed = signServiceRequest(call.secret ?? SERVICE_SECRET, {
    serviceName: call.service ?? 'billing',
    method: call.signed?.method ?? call.method,
    url: call.signed?.url ?? call.url,
    tenantId: call.signed?.tenantId ?? call.tenantId ?? '',
    userId: call.signed?.userId ?? call.userId,
    idempotencyKey: call.signed?.idempotencyKey ?? call.idempotencyKey,
    rawBody: call.signed?.rawBody ?? call.rawBody ?? '',
    now: call.signedAt,
    ...(call.nonce === undefined ? {} : { nonce: call.nonce }),
  });
  const {
    'x-tenant-id': _tenant,
    'x-user-id': _user,
    'idempotency-key': _key,
    ...signature
  } = signed;
  const headers: Record<string, string> = {
    ...signature,
    ...(call.nameHeader === undefined ? {} : { 'x-service-name': call.nameHeader }),
    ...(call.tenantId === undefined ? {} : { 'x-tenant-id': call.tenantId }),
    ...(call.userId === undefined ? {} : { 'x-user-id': call.userId }),
    ...(call.idempotencyKey === undefined ? {} : { 'idempotency-key': call.idempotencyKey }),
    ...(call.rawBody === undefined ? {} : { 'content-type': 'application/json' }),
  };
  return {
    method: call.method,
    url: call.url,
    headers,
    ...(call.rawBody === undefined ? {} : { payload: call.rawBody }),
  };
}
