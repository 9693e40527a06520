import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { runPaymentExpiry } from '../../src/app/payments/expire-payment-sessions.ts';
import { createPaymentWindow } from '../../src/app/payments/payment-window.ts';
import type { PaymentStore } from '../../src/app/payments/ports.ts';
import type { WebhookHeaders } from '../../src/app/webhook-signature.ts';
import type { ProductVariant } from '../../src/domain/catalog/types.ts';
import { newTimeOrderedId } from '../../src/platform.ts';
import { createSandboxProvider, sandboxWebhook } from '../../src/providers/sandbox.ts';
import type { SqlStore } from '../../src/store/sql/database.ts';
import type { System } from '../../src/system.ts';
import { ADDRESS } from './fixtures.ts';
import type { Answer, HttpHarness } from './http.ts';
import { newTenantId } from './stores.ts';

export interface PaymentDto {
  paymentId: string;
  orderId: string;
  attempt: number;
  status: 'created' | 'pending' | 'succeeded' | 'failed';
  amountCents: number;
  currency: string;
  paymentUrl: string | null;
  failureReason: string | null;
}

export interface PlacedDto {
  checkoutId: string;
  orders: { id: string; orderNumber: string; status: string; userId: string }[];
  payments: PaymentDto[];
}

export interface SessionDto {
  sessionId: string;
  orderId: string;
  status: 'active' | 'expired' | 'completed' | 'cancelled';
  expiresAt: string;
  remainingMinutes: number;
  paymentAttempts: number;
  maxPaymentAttempts: number;
  canRetry: boolean;
}

export interface RetryDto {
  payment: PaymentDto;
  paymentUrl: string | null;
  paymentAttempts: number;
  remainingAttempts: number;
  session: SessionDto;
}

/** The event types the payment window writes to the outbox. */
export const PAYMENT_EVENT_TYPES = [
  'payment.attempted',
  'payment.succeeded',
  'payment.failed',
  'payment.late',
  'payment_session.expiring',
  'payment_session.expired',
  'order.status_changed',
] as const;

export type EventType = (typeof PAYMENT_EVENT_TYPES)[number];

/** A far-off instant: every active session is due by then. */
export const FAR_FUTURE = new Date('2100-01-01T00:00:00.000Z');

export type Lines = readonly (readonly [ProductVariant, number])[];

export function expectError(answer: Answer<unknown>, status: number, code: string): void {
  expect({ status: answer.status, error: answer.body.error }).toEqual({ status, error: code });
}

/** A new tenant with one product of `onHand` units. */
export async function shop(
  h: HttpHarness,
  onHand = 10,
): Promise<{ tenant: string; variant: ProductVariant }> {
  const tenant = newTenantId();
  const [variant] = await h.seedProducts(tenant, { onHand });
  if (!variant) throw new Error('shop: no variant');
  return { tenant, variant };
}

/** GET /api/orders/:id/session as `user`. */
export function getSession(h: HttpHarness, tenant: string, orderId: string, user: string) {
  return h.as(tenant, user).get<SessionDto>(`/api/orders/${orderId}/session`);
}

/** POST /api/orders/:id/retry-payment as `user`. */
export function retryPayment(h: HttpHarness, tenant: string, orderId: string, user: string) {
  return h.as(tenant, user).post<RetryDto>(`/api/orders/${orderId}/retry-payment`);
}

export function orderBody(lines: Lines, extra: Record<string, unknown> = {}) {
  return {
    items: lines.map(([variant, quantity]) => ({ variantId: variant.id, quantity })),
    shippingAddress: ADDRESS,
    ...extra,
  };
}

/** POST /api/orders with a fresh Idempotency-Key; the answer as it came. */
export function placeOrderHttp(
  h: HttpHarness,
  tenant: string,
  user: string,
  lines: Lines,
  extra: Record<string, unknown> = {},
): Promise<Answer<PlacedDto>> {
  return h.send<PlacedDto>({
    method: 'POST',
    url: '/api/orders',
    headers: { ...h.headers(tenant, user), 'idempotency-key': randomUUID() },
    payload: orderBody(lines, extra),
  });
}

/** Places one order that must succeed; its order and first payment. */
export async function placeOne(
  h: HttpHarness,
  tenant: string,
  user: string,
  lines: Lines,
  extra: Record<string, unknown> = {},
): Promise<{ orderId: string; orderNumber: string; payment: PaymentDto }> {
  const placed = await placeOrderHttp(h, tenant, user, lines, extra);
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  const [order] = placed.body.data.orders;
  const [payment] = placed.body.data.payments;
  if (!order || !payment) throw new Error('placeOne: no order or payment in the answer');
  return { orderId: order.id, orderNumber: order.orderNumber, payment };
}

/** Places an order through the application service (no HTTP), for bulk set-ups. */
export async function placeDirect(
  system: System,
  tenant: string,
  user: string,
  lines: Lines,
  extra: Record<string, unknown> = {},
): Promise<{ orderId: string; paymentId: string }> {
  const placed = await system.placeOrder(
    { tenantId: tenant, userId: user, role: 'user' },
    { ...orderBody(lines, extra), idempotencyKey: randomUUID() },
  );
  if (!placed.ok) throw new Error(`placeDirect: ${JSON.stringify(placed.error)}`);
  const order = placed.value.orders[0];
  const payment = placed.value.payments[0];
  if (!order || !payment) throw new Error('placeDirect: no order or payment');
  return { orderId: order.id, paymentId: payment.id };
}

export interface WebhookOptions {
  /** Defaults to a fresh `evt_…` id. */
  id?: string;
  /** Defaults to the system's secret. */
  secret?: string;
  /** When the provider signed it; defaults to the harness clock's now. */
  signedAt?: Date;
}

/** A signed provider notification, as the sandbox would send it. */
export function signedWebhook(
  h: HttpHarness,
  tenant: string,
  paymentId: string,
  outcome: 'succeeded' | 'failed',
  options: WebhookOptions = {},
): { rawBody: string; headers: WebhookHeaders } {
  return sandboxWebhook(
    options.secret ?? h.system.webhookSecret,
    { id: options.id ?? `evt_${randomUUID()}`, outcome, tenantId: tenant, paymentId },
    options.signedAt ?? h.clock.now(),
  );
}

/** A `whsec_` secret other than the system's. */
export const OTHER_WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

/**
 * Webhook deliveries that must all be refused: a made-up MAC, the wrong secret, a body changed
 * after signing, another webhook-id or timestamp than the signed ones, signed more than 5 minutes
 * ago or ahead, each header missing, malformed headers.
 */
export function forgedWebhooks(
  h: HttpHarness,
  tenant: string,
  paymentId: string,
): { what: string; rawBody: string; headers: Partial<WebhookHeaders> }[] {
  const pay = (options: WebhookOptions = {}) =>
    signedWebhook(h, tenant, paymentId, 'succeeded', options);
  const shifted = (minutes: number) => new Date(h.clock.now().getTime() + minutes * 60_000);
  const good = pay();
  const failed = signedWebhook(h, tenant, paymentId, 'failed');
  const t = Number(good.headers['webhook-timestamp']);
  const without = (name: keyof WebhookHeaders) => {
    const headers: Partial<WebhookHeaders> = { ...good.headers };
    delete headers[name];
    return headers;
  };
  return [
    {
      what: 'made-up mac',
      rawBody: good.rawBody,
      headers: {
        ...good.headers,
        'webhook-signature': `v1,${Buffer.alloc(32, 1).toString('base64')}`,
      },
    },
    { what: 'wrong secret', ...pay({ secret: OTHER_WEBHOOK_SECRET }) },
    {
      what: 'tampered body',
      rawBody: failed.rawBody.replace('payment.failed', 'payment.succeeded'),
      headers: failed.headers,
    },
    {
      what: 'another webhook-id than the signed one',
      rawBody: good.rawBody,
      headers: { ...good.headers, 'webhook-id': `${good.headers['webhook-id']}x` },
    },
    {
      what: 'another timestamp than the signed one',
      rawBody: good.rawBody,
      headers: { ...good.headers, 'webhook-timestamp': String(t - 1) },
    },
    { what: 'stale', ...pay({ signedAt: shifted(-5.05) }) },
    { what: 'future', ...pay({ signedAt: shifted(5.05) }) },
    { what: 'missing signature', rawBody: good.rawBody, headers: without('webhook-signature') },
    { what: 'missing id', rawBody: good.rawBody, headers: without('webhook-id') },
    { what: 'missing timestamp', rawBody: good.rawBody, headers: without('webhook-timestamp') },
    {
      what: 'the old t=,v1= format',
      rawBody: good.rawBody,
      headers: { ...good.headers, 'webhook-signature': `t=${t},v1=${'ab'.repeat(32)}` },
    },
    {
      what: 'a signature of another version only',
      rawBody: good.rawBody,
      headers: {
        ...good.headers,
        'webhook-signature': good.headers['webhook-signature'].replace('v1,', 'v1a,'),
      },
    },
  ];
}

/** POSTs a raw body to the webhook with these headers. */
export function deliverWebhook(
  h: HttpHarness,
  rawBody: string,
  headers: Partial<WebhookHeaders>,
): Promise<Answer<{ eventId: string; outcome: string }>> {
  return h.send({
    method: 'POST',
    url: '/api/payments/webhook',
    headers: { 'content-type': 'application/json', ...headers },
    payload: rawBody,
  });
}

/** Sends a correctly signed event and returns its outcome (the webhook must accept it). */
export async function notify(
  h: HttpHarness,
  tenant: string,
  paymentId: string,
  outcome: 'succeeded' | 'failed',
  options: WebhookOptions = {},
): Promise<string> {
  const { rawBody, headers } = signedWebhook(h, tenant, paymentId, outcome, options);
  const answer = await deliverWebhook(h, rawBody, headers);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.data.outcome;
}

/** The same, through the application service (no HTTP). */
export async function notifyDirect(
  system: System,
  signedAt: Date,
  tenant: string,
  paymentId: string,
  outcome: 'succeeded' | 'failed',
): Promise<string> {
  const { rawBody, headers } = sandboxWebhook(
    system.webhookSecret,
    { id: `evt_${randomUUID()}`, outcome, tenantId: tenant, paymentId },
    signedAt,
  );
  const result = await system.receiveWebhook(rawBody, headers);
  if (!result.ok) throw new Error(`notifyDirect: ${JSON.stringify(result.error)}`);
  return result.value.outcome;
}

export async function orderStatus(db: SqlStore['db'], tenant: string, orderId: string) {
  const row = await db
    .selectFrom('orders')
    .select('status')
    .where('tenant_id', '=', tenant)
    .where('id', '=', orderId)
    .executeTakeFirstOrThrow();
  return row.status;
}

export async function sessionRow(db: SqlStore['db'], tenant: string, orderId: string) {
  return db
    .selectFrom('payment_sessions')
    .selectAll()
    .where('tenant_id', '=', tenant)
    .where('order_id', '=', orderId)
    .executeTakeFirstOrThrow();
}

export async function paymentRows(db: SqlStore['db'], tenant: string, orderId: string) {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('tenant_id', '=', tenant)
    .where('order_id', '=', orderId)
    .orderBy('attempt')
    .execute();
}

export async function stockOf(
  db: SqlStore['db'],
  tenant: string,
  variantId: string,
): Promise<{ onHand: number; reserved: number }> {
  const row = await db
    .selectFrom('product_variants')
    .select(['on_hand', 'reserved'])
    .where('tenant_id', '=', tenant)
    .where('id', '=', variantId)
    .executeTakeFirstOrThrow();
  return { onHand: Number(row.on_hand), reserved: Number(row.reserved) };
}

/** Outbox rows of a tenant, optionally of one aggregate, in the order they were written. */
export async function outboxRows(db: SqlStore['db'], tenant: string, aggregateId?: string) {
  let query = db
    .selectFrom('outbox')
    .select(['type', 'aggregate_id', 'payload'])
    .where('tenant_id', '=', tenant);
  if (aggregateId !== undefined) query = query.where('aggregate_id', '=', aggregateId);
  return query.orderBy('position').execute();
}

/** How many outbox rows of each payment type the tenant (or one aggregate) holds. */
export async function paymentEventCounts(
  db: SqlStore['db'],
  tenant: string,
  aggregateId?: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = Object.fromEntries(
    PAYMENT_EVENT_TYPES.map((type) => [type, 0]),
  );
  for (const row of await outboxRows(db, tenant, aggregateId)) {
    if (row.type in counts) counts[row.type] = (counts[row.type] ?? 0) + 1;
  }
  return counts;
}

/**
 * The store, except that no attempt goes on (to the provider, say) until `attempts` attempts have
 * been counted: overlapping retries, each counted before any asks for its payment.
 */
function holdAttemptsUntil(inner: PaymentStore, attempts: number): PaymentStore {
  let started = 0;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    ...inner,
    async startAttempt(attempt) {
      const result = await inner.startAttempt(attempt);
      if (++started === attempts) open();
      await gate;
      return result;
    },
  };
}

/**
 * Two retries of one order through the real use case, overlapping so that both attempts are
 * counted before either asks for its payment (an interleaving PostgreSQL allows any time).
 */
export function overlappingRetries(h: HttpHarness, tenant: string, orderId: string, user: string) {
  const window = createPaymentWindow({
    orders: h.system.orderRepository,
    payments: holdAttemptsUntil(h.system.payments, 2),
    provider: createSandboxProvider('http://sandbox.test'),
    clock: h.clock,
    newId: newTimeOrderedId,
  });
  const ctx = { tenantId: tenant, userId: user, role: 'user' as const };
  return Promise.all([window.retryPayment(ctx, orderId), window.retryPayment(ctx, orderId)]);
}

/** Places an order of `lines` and lets the worker expire it (the clock moves 16 minutes). */
export async function expiredOrder(h: HttpHarness, tenant: string, user: string, lines: Lines) {
  const placed = await placeOne(h, tenant, user, lines);
  h.clock.advanceMinutes(16);
  await runPaymentExpiry(h.system.payments, h.clock, {
    batchSize: 100,
    maxBatches: 100,
    warnBeforeMinutes: 5,
  });
  expect(await orderStatus(h.system.store.db, tenant, placed.orderId)).toBe('expired');
  expect((await sessionRow(h.system.store.db, tenant, placed.orderId)).status).toBe('expired');
  return placed;
}

/** For each of `types`, how many outbox rows of that type the order has. */
export async function countEvents(
  db: SqlStore['db'],
  tenant: string,
  orderId: string,
  ...types: EventType[]
): Promise<number[]> {
  const counts = await paymentEventCounts(db, tenant, orderId);
  return types.map((type) => counts[type] ?? 0);
}

/** The payloads of the order's outbox rows of one type, oldest first. */
export async function eventPayloads(
  db: SqlStore['db'],
  tenant: string,
  orderId: string,
  type: string,
): Promise<Record<string, unknown>[]> {
  return (await outboxRows(db, tenant, orderId))
    .filter((e) => e.type === type)
    .map((e) => e.payload);
}

/** GET the sandbox page, or press one of its buttons (a form post), without the JSON checks. */
export function sandbox(
  h: HttpHarness,
  tenant: string,
  paymentId: string,
  button?: 'succeed' | 'fail',
) {
  const url = `/sandbox/pay/${tenant}/${paymentId}`;
  return button === undefined
    ? h.app.inject({ method: 'GET', url })
    : h.app.inject({
        method: 'POST',
        url: `${url}/${button}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: '',
      });
}

/** Expires every session of the database that is still active, whatever its tenant. */
export async function expireEverything(system: System): Promise<void> {
  while ((await system.payments.expireSessions(FAR_FUTURE, 1000)) > 0) {}
}

export interface VariantLedger {
  onHand: number;
  reserved: number;
  held: number;
  committed: number;
}

/** Per variant of the tenant: the stock row and the sums of its reservation rows by status. */
export async function ledger(
  db: SqlStore['db'],
  tenant: string,
): Promise<Map<string, VariantLedger>> {
  const rows = await sql<{
    id: string;
    on_hand: number;
    reserved: number;
    held: number;
    committed: number;
  }>`
    SELECT v.id, v.on_hand, v.reserved,
      COALESCE(SUM(r.quantity) FILTER (WHERE r.status = 'held'), 0)::int AS held,
      COALESCE(SUM(r.quantity) FILTER (WHERE r.status = 'committed'), 0)::int AS committed
    FROM product_variants v
    LEFT JOIN stock_reservations r ON r.tenant_id = v.tenant_id AND r.variant_id = v.id
    WHERE v.tenant_id = ${tenant}
    GROUP BY v.id, v.on_hand, v.reserved
  `.execute(db);
  return new Map(
    rows.rows.map((row) => [
      row.id,
      {
        onHand: Number(row.on_hand),
        reserved: Number(row.reserved),
        held: Number(row.held),
        committed: Number(row.committed),
      },
    ]),
  );
}

/** A tiny deterministic PRNG (mulberry32): the same seed, the same sequence. */
export function prng(seed: number): { next(): number; int(below: number): number } {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { next, int: (below) => Math.floor(next() * below) };
}
