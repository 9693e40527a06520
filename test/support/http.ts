import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Role } from '../../src/app/context.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { CreateSingleVariantInput } from '../../src/domain/catalog/inputs.ts';
import type { ProductVariant } from '../../src/domain/catalog/types.ts';
import { ERROR_MESSAGES } from '../../src/domain/errors.ts';
import type { SqlStore } from '../../src/store/sql/database.ts';
import { buildHttp, openSystem, type System } from '../../src/system.ts';
import { type ManualClock, manualClock } from './clock.ts';
import { ctxFor } from './fixtures.ts';

export const GATEWAY_KEY = 'test-gateway-key-0123456789abcdef';
export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

/**
 * A parsed answer. `data` is meaningful on a 2xx, `error`/`message`/`details` on a 4xx: tests
 * check the status first, so one shape keeps them short.
 */
export interface ApiBody<T> {
  success: boolean;
  data: T;
  error: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface Answer<T> {
  status: number;
  body: ApiBody<T>;
}

export interface Client {
  get<T>(url: string): Promise<Answer<T>>;
  post<T>(url: string, body?: unknown): Promise<Answer<T>>;
  put<T>(url: string, body: unknown): Promise<Answer<T>>;
  patch<T>(url: string, body: unknown): Promise<Answer<T>>;
  delete<T>(url: string): Promise<Answer<T>>;
}

export interface HttpHarness {
  app: FastifyInstance;
  system: System;
  clock: ManualClock;
  /** The trusted gateway's headers for this caller. */
  headers(tenantId: string, userId: string, role?: Role): Record<string, string>;
  /** Creates products through the catalog service as an admin; SKUs are unique unless given. */
  seedProducts(
    tenantId: string,
    ...inputs: Partial<CreateSingleVariantInput>[]
  ): Promise<ProductVariant[]>;
  /** Injects a request and checks what every answer must be: JSON, in the envelope, never 5xx. */
  send<T>(options: InjectOptions): Promise<Answer<T>>;
  /** A client that sends the gateway headers of one caller. */
  as(tenantId: string, userId: string, role?: Role): Client;
  close(): Promise<void>;
}

const ERROR_CODES = Object.keys(ERROR_MESSAGES);
let skuCounter = 0;

export function expectEnvelope(status: number, json: unknown): void {
  expect(status, `answered ${status}: ${JSON.stringify(json)}`).toBeLessThan(500);
  expect(json).toBeTypeOf('object');
  const body = json as Record<string, unknown>;
  if (status >= 400) {
    expect(body.success).toBe(false);
    expect(ERROR_CODES).toContain(body.error);
    expect(body.message).toBeTypeOf('string');
    expect(body).not.toHaveProperty('data');
  } else {
    expect(body.success).toBe(true);
    expect(body).toHaveProperty('data');
  }
}

/** The HTTP app over `store`; `config` and a webhook secret may be set per suite. */
export async function openHttp(
  store: SqlStore,
  config: Config = { ...loadConfig({}), seedDemo: false },
  options: { webhookSecret?: string; redis?: Redis } = {},
): Promise<HttpHarness> {
  const clock = manualClock();
  const system = await openSystem(config, {
    store,
    clock,
    gatewayKey: GATEWAY_KEY,
    adminKey: ADMIN_KEY,
    logger: pino({ level: 'silent' }),
    ...options,
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
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const json: unknown = response.json();
    expectEnvelope(response.statusCode, json);
    return { status: response.statusCode, body: json as ApiBody<T> };
  }

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
          sku: `SKU-${process.pid}-${skuCounter}`,
          name: `Product ${skuCounter}`,
          priceCents: 1000,
          currency: 'USD',
          onHand: 100,
          ...input,
        });
        if (!result.ok) throw new Error(`seedProducts: ${JSON.stringify(result.error)}`);
        const [variant] = result.value.variants;
        if (!variant) throw new Error('seedProducts: no variant');
        created.push(variant);
      }
      return created;
    },
    as(tenantId, userId, role) {
      const h = headers(tenantId, userId, role);
      return {
        get: (url) => send({ method: 'GET', url, headers: h }),
        post: (url, body) =>
          send(
            body === undefined
              ? { method: 'POST', url, headers: h }
              : { method: 'POST', url, headers: h, payload: body as InjectOptions['payload'] },
          ),
        put: (url, body) =>
          send({ method: 'PUT', url, headers: h, payload: body as InjectOptions['payload'] }),
        patch: (url, body) =>
          send({ method: 'PATCH', url, headers: h, payload: body as InjectOptions['payload'] }),
        delete: (url) => send({ method: 'DELETE', url, headers: h }),
      };
    },
    // The harness owns the store (stores.ts closes it), so only the server is closed here.
    close: () => app.close(),
  };
}

/** Opens the HTTP harness on the suite's store before its tests and closes the server after. */
export function useHttp(store: () => SqlStore): () => HttpHarness {
  let harness: HttpHarness | undefined;
  beforeAll(async () => {
    harness = await openHttp(store());
  });
  afterAll(async () => {
    await harness?.close();
  });
  return () => {
    if (!harness) throw new Error('HTTP harness not open yet');
    return harness;
  };
}
