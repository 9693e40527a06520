import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, expect } from 'vitest';
import type { z } from 'zod';
import type { Role } from '../../src/app/context.ts';
import { loadConfig } from '../../src/config.ts';
import type { orderDto } from '../../src/http/orders.schemas.ts';
import type { SqlStore } from '../../src/store/sql/database.ts';
import { buildHttp, openSystem, type System } from '../../src/system.ts';
import { type ManualClock, manualClock } from './clock.ts';

export const CHECKOUT_GATEWAY_KEY = 'test-gateway-key-0123456789';

export type OrderDto = z.infer<typeof orderDto>;
export interface CheckoutDto {
  checkoutId: string;
  orders: OrderDto[];
}
/** One variant as these tests use it: the admin view, `id` its variant id, `available` units. */
export interface ProductDto {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
  sellerId: string | null;
  onHand: number;
  reserved: number;
  available: number;
}
interface AdminVariant extends Omit<ProductDto, 'id' | 'available'> {
  variantId: string;
}

function asProductDto({ variantId, ...variant }: AdminVariant): ProductDto {
  return { ...variant, id: variantId, available: variant.onHand - variant.reserved };
}

export interface ProductInput {
  sku?: string;
  name?: string;
  priceCents?: number;
  currency?: string;
  sellerId?: string | null;
  onHand?: number;
}

/** A parsed answer: `data` on a 2xx, `error`/`details` on a 4xx. */
export interface Reply<T> {
  status: number;
  headers: Record<string, unknown>;
  body: {
    success: boolean;
    data: T;
    error: string;
    message: string;
    details?: Record<string, unknown>;
  };
}

export interface CheckoutApp {
  app: FastifyInstance;
  system: System;
  clock: ManualClock;
}

export const SHIP_TO = {
  name: 'Bob Buyer',
  line1: '2 Market Street',
  city: 'Shelbyville',
  postalCode: '54321',
  country: 'US',
};

/** The system on the suite's store, with a clock that moves only when a test moves it. */
export async function openCheckoutApp(store: SqlStore): Promise<CheckoutApp> {
  const clock = manualClock();
  const config = { ...loadConfig({}), seedDemo: false };
  // Every secret given here, so that nothing is written to the data folder.
  const options = {
    store,
    clock,
    gatewayKey: CHECKOUT_GATEWAY_KEY,
    webhookSecret: 'test-webhook-secret-0123456789',
    logger: pino({ level: 'silent' }),
  };
  const system = await openSystem(config, options);
  const app = await buildHttp(system);
  await app.ready();
  return { app, system, clock };
}

/** Opens the app before the suite's tests and closes it (never the store: the harness owns it). */
export function useCheckoutApp(store: () => SqlStore): () => CheckoutApp {
  let opened: CheckoutApp | undefined;
  beforeAll(async () => {
    opened = await openCheckoutApp(store());
  });
  afterAll(async () => {
    await opened?.app.close();
  });
  return () => {
    if (!opened) throw new Error('checkout app not open yet');
    return opened;
  };
}

export function gatewayHeaders(
  tenantId: string,
  userId: string,
  role: Role = 'user',
): Record<string, string> {
  return {
    'x-gateway-key': CHECKOUT_GATEWAY_KEY,
    'x-user-id': userId,
    'x-user-role': role,
    'x-tenant-id': tenantId,
  };
}

export interface Caller {
  tenant: string;
  user: string;
  role?: Role;
}

/** Sends one request as `caller`; every answer must be JSON and never a 5xx. */
export async function call<T>(
  app: FastifyInstance,
  caller: Caller,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  const response = await app.inject({
    method,
    url,
    headers: { ...gatewayHeaders(caller.tenant, caller.user, caller.role), ...headers },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  const body = response.json() as Reply<T>['body'];
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(500);
  return { status: response.statusCode, headers: response.headers, body };
}

export const admin = (tenant: string): Caller => ({ tenant, user: 'admin-1', role: 'admin' });

let skuCounter = 0;

/** Creates products as an admin through POST /api/admin/products; SKUs are unique per file. */
export async function createProducts(
  app: FastifyInstance,
  tenant: string,
  ...inputs: ProductInput[]
): Promise<ProductDto[]> {
  const created: ProductDto[] = [];
  for (const input of inputs) {
    skuCounter++;
    const answer = await call<{ variants: AdminVariant[] }>(
      app,
      admin(tenant),
      'POST',
      '/api/admin/products',
      {
        sku: `CK-${skuCounter}`,
        name: `Checkout product ${skuCounter}`,
        priceCents: 1000,
        currency: 'USD',
        onHand: 100,
        ...input,
      },
    );
    if (answer.status !== 201) throw new Error(`createProducts: ${JSON.stringify(answer.body)}`);
    const [variant] = answer.body.data.variants;
    if (!variant) throw new Error('createProducts: no variant');
    created.push(asProductDto(variant));
  }
  return created;
}

export async function getProduct(
  app: FastifyInstance,
  tenant: string,
  id: string,
): Promise<ProductDto> {
  const answer = await call<AdminVariant>(app, admin(tenant), 'GET', `/api/variants/${id}`);
  expect(answer.status).toBe(200);
  return asProductDto(answer.body.data);
}

/** A checkout body for these (variant, quantity) pairs. */
export function checkoutBody(
  lines: readonly (readonly [ProductDto, number])[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    items: lines.map(([product, quantity]) => ({ variantId: product.id, quantity })),
    shippingAddress: SHIP_TO,
    ...extra,
  };
}

/** POST /api/orders as `user` of `tenant`, with `key` in the Idempotency-Key header if given. */
export function placeOrder(
  app: FastifyInstance,
  tenant: string,
  user: string,
  body: unknown,
  key?: string,
): Promise<Reply<CheckoutDto>> {
  return call<CheckoutDto>(
    app,
    { tenant, user },
    'POST',
    '/api/orders',
    body,
    key === undefined ? {} : { 'idempotency-key': key },
  );
}

/**
 * How many rows each checkout table holds for one tenant, read straight from the database, and
 * how many of its outbox rows are `order.created` events.
 */
export async function tenantRowCounts(
  db: SqlStore['db'],
  tenant: string,
): Promise<Record<string, number>> {
  const tables = [
    'orders',
    'order_items',
    'order_adjustments',
    'stock_reservations',
    'outbox',
    'idempotency_keys',
    'payment_sessions',
    'payments',
  ] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenant)
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  const created = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenant)
    .where('type', '=', 'order.created')
    .executeTakeFirstOrThrow();
  counts.order_created_events = Number(created.n);
  return counts;
}

export const NO_ROWS = {
  orders: 0,
  order_items: 0,
  order_adjustments: 0,
  stock_reservations: 0,
  outbox: 0,
  idempotency_keys: 0,
  payment_sessions: 0,
  payments: 0,
  order_created_events: 0,
};

/** Every order's total is its subtotal plus its adjustment rows. */
export function expectTotalsAddUp(order: OrderDto): void {
  const adjustments = order.adjustments.reduce((sum, a) => sum + a.amountCents, 0);
  const lines = order.items.reduce((sum, item) => sum + item.lineTotalCents, 0);
  expect(order.totals.subtotalCents).toBe(lines);
  expect(order.totals.adjustmentsTotalCents).toBe(adjustments);
  expect(order.totals.totalCents).toBe(order.totals.subtotalCents + adjustments);
  expect(order.totals.totalCents).toBeGreaterThanOrEqual(0);
}
