import type { InjectOptions } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type { Role } from '../../src/app/context.ts';
import { signServiceRequest } from '../../src/app/service-signature.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { ProductVariant } from '../../src/domain/catalog/types.ts';
import type { SqlStore } from '../../src/store/sql/database.ts';
import { buildHttp, openSystem } from '../../src/system.ts';
import { manualClock } from './clock.ts';
import { ctxFor } from './fixtures.ts';
import {
  type Answer,
  type ApiBody,
  type Client,
  expectEnvelope,
  GATEWAY_KEY,
  type HttpHarness,
} from './http.ts';

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

let skuCounter = 0;

/**
 * The same harness as `openHttp` (test/support/http.ts), over a system built with `config`:
 * service auth, rate limits and the like can be set per suite. Every secret is given, so that
 * nothing is written to a data folder.
 */
export async function openHttpWith(store: SqlStore, config: Config): Promise<HttpHarness> {
  const clock = manualClock();
  const system = await openSystem(config, {
    store,
    clock,
    gatewayKey: GATEWAY_KEY,
    webhookSecret: WEBHOOK_SECRET,
    logger: pino({ level: 'silent' }),
  });
  const app = await buildHttp(system);
  await app.ready();
  const headers = (tenantId: string, userId: string, role: Role = 'user') => ({
    'x-gateway-key': GATEWAY_KEY,
    'x-user-id': userId,
    'x-user-role': role,
    'x-tenant-id': tenantId,
  });
  async function send<T>(options: InjectOptions): Promise<Answer<T>> {
    const response = await app.inject(options);
    const json: unknown = response.json();
    expectEnvelope(response.statusCode, json);
    return { status: response.statusCode, body: json as ApiBody<T> };
  }
  const client = (h: Record<string, string>): Client => ({
    get: (url) => send({ method: 'GET', url, headers: h }),
    post: (url, body) =>
      send({
        method: 'POST',
        url,
        headers: h,
        ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }),
      }),
    put: (url, body) =>
      send({ method: 'PUT', url, headers: h, payload: body as InjectOptions['payload'] }),
    delete: (url) => send({ method: 'DELETE', url, headers: h }),
  });
  return {
    app,
    system,
    clock,
    headers,
    send,
    async seedProducts(tenantId, ...inputs) {
      const created: ProductVariant[] = [];
      for (const input of inputs) {
        skuCounter++;
        const result = await system.catalog.createProduct(ctxFor(tenantId, 'admin-1', 'admin'), {
          sku: `CFG-${process.pid}-${skuCounter}`,
          name: `Product ${skuCounter}`,
          priceCents: 1000,
          currency: 'USD',
          onHand: 100,
          ...input,
        });
        if (!result.ok) throw new Error(`seedProducts: ${JSON.stringify(result.error)}`);
        created.push(result.value);
      }
      return created;
    },
    as: (tenantId, userId, role) => client(headers(tenantId, userId, role)),
    close: () => app.close(),
  };
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
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  /** The exact body text sent; none when undefined. */
  rawBody?: string;
  tenantId?: string;
  userId?: string;
  service?: string;
  secret?: string;
  /** When it was signed. */
  signedAt: Date;
  /** Sign something else than what is sent (tampering tests). */
  signed?: { url?: string; rawBody?: string; method?: string };
  /** Override the X-Service-Name header. */
  nameHeader?: string;
}

/** The inject options of a signed service call. */
export function serviceRequest(call: ServiceCall): InjectOptions {
  const signature = signServiceRequest(call.secret ?? SERVICE_SECRET, {
    serviceName: call.service ?? 'billing',
    method: call.signed?.method ?? call.method,
    url: call.signed?.url ?? call.url,
    rawBody: call.signed?.rawBody ?? call.rawBody ?? '',
    now: call.signedAt,
  });
  const headers: Record<string, string> = {
    ...signature,
    ...(call.nameHeader === undefined ? {} : { 'x-service-name': call.nameHeader }),
    ...(call.tenantId === undefined ? {} : { 'x-tenant-id': call.tenantId }),
    ...(call.userId === undefined ? {} : { 'x-user-id': call.userId }),
    ...(call.rawBody === undefined ? {} : { 'content-type': 'application/json' }),
  };
  return {
    method: call.method,
    url: call.url,
    headers,
    ...(call.rawBody === undefined ? {} : { payload: call.rawBody }),
  };
}
