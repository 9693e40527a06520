import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import type { EventSink } from '../../src/app/outbox/ports.ts';
import { type RelayOptions, type RelayRun, relayOutbox } from '../../src/app/outbox/relay.ts';
import { runPaymentExpiry } from '../../src/app/payments/expire-payment-sessions.ts';
import type { Clock } from '../../src/app/ports.ts';
import type { EventEnvelope, OutboxEvent } from '../../src/domain/outbox.ts';
import type { SqlStore } from '../../src/store/sql/database.ts';
import { appendOutboxEvents } from '../../src/store/sql/outbox.repository.ts';
import { createSqlOutboxStore } from '../../src/store/sql/outbox-relay.store.ts';
import type { HttpHarness } from './http.ts';
import { notifyDirect, placeDirect } from './payments.ts';
import { newTenantId } from './stores.ts';

type Db = SqlStore['db'];

/** The seven fields every sink must carry, and only those. */
export const ENVELOPE_FIELDS = [
  'aggregateId',
  'aggregateType',
  'data',
  'id',
  'occurredAt',
  'tenantId',
  'type',
];

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** A promise and the function that resolves it. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export interface PublishCall {
  envelope: EventEnvelope;
  /** Increasing numbers shared by every sink of a log: when the publish started and ended. */
  start: number;
  end?: number;
  ok?: boolean;
}

/** One ordering of publish starts and ends, shared by the sinks of racing relays. */
export function publishLog() {
  let tick = 0;
  return { calls: [] as PublishCall[], next: () => ++tick };
}

/**
 * A sink that keeps what it is given (a test sink, not a broker). `behaviour` runs on every
 * publish: it throws (or rejects) to fail the delivery, or never settles to hang it.
 */
export function recordingSink(
  behaviour: (envelope: EventEnvelope, call: number) => unknown = () => {},
  log = publishLog(),
  name = 'recording',
) {
  const mine: PublishCall[] = [];
  let calls = 0;
  const sink: EventSink & { log: typeof log; calls: PublishCall[] } = {
    name,
    log,
    calls: mine,
    async publish(envelope) {
      const call: PublishCall = { envelope, start: log.next() };
      log.calls.push(call);
      mine.push(call);
      try {
        await behaviour(envelope, ++calls);
        call.ok = true;
      } catch (err) {
        call.ok = false;
        throw err;
      } finally {
        call.end = log.next();
      }
    },
    async close() {},
  };
  return sink;
}

/** The envelopes a sink accepted for one tenant, in the order it accepted them. */
export function deliveredTo(sink: { calls: PublishCall[] }, tenantId: string): EventEnvelope[] {
  return sink.calls
    .filter((c) => c.ok && c.envelope.tenantId === tenantId)
    .sort((a, b) => (a.end ?? 0) - (b.end ?? 0))
    .map((c) => c.envelope);
}

/** Runs the relay until a run publishes nothing; the runs' totals. */
export async function relayUntilIdle(
  deps: { store: SqlStore | Db; sink: EventSink; clock: Clock },
  options: RelayOptions,
  maxRuns = 200,
): Promise<RelayRun & { runs: number }> {
  const db = 'kind' in deps.store ? deps.store.db : deps.store;
  const store = createSqlOutboxStore(db);
  const total = { published: 0, failed: 0, parked: 0, runs: 0 };
  for (; total.runs < maxRuns; ) {
    const run = await relayOutbox({ store, sink: deps.sink, clock: deps.clock }, options);
    total.runs++;
    total.published += run.published;
    total.failed += run.failed;
    total.parked += run.parked;
    if (run.published === 0) return total;
  }
  throw new Error(`relayUntilIdle: still publishing after ${maxRuns} runs`);
}

/** Every outbox row of a tenant, in outbox (position) order. */
export function tenantOutbox(db: Db, tenantId: string) {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('position')
    .execute();
}
export type OutboxRow = Awaited<ReturnType<typeof tenantOutbox>>[number];

export async function outboxRow(db: Db, tenantId: string, id: string): Promise<OutboxRow> {
  const row = (await tenantOutbox(db, tenantId)).find((r) => r.id === id);
  if (!row) throw new Error(`no outbox row ${id}`);
  return row;
}

/** The envelope a row must travel as. */
export function envelopeOf(row: OutboxRow): EventEnvelope {
  return {
    id: row.id,
    type: row.type,
    tenantId: row.tenant_id,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    occurredAt: row.created_at.toISOString(),
    data: row.payload,
  };
}

/** Ids per aggregate, in the order given. */
export function idsByAggregate(items: readonly { aggregateId: string; id: string }[]) {
  const map = new Map<string, string[]>();
  for (const item of items) {
    const list = map.get(item.aggregateId) ?? [];
    list.push(item.id);
    map.set(item.aggregateId, list);
  }
  return map;
}

/**
 * Every row of the tenant was received, each envelope exactly as the row (seven fields), in
 * outbox order per aggregate (the first arrival of each id counts). Duplicates must be identical
 * copies; with `exactlyOnce` there must be none.
 */
export function expectDelivered(
  received: readonly EventEnvelope[],
  rows: readonly OutboxRow[],
  exactlyOnce: boolean,
): void {
  expect(rows.length).toBeGreaterThan(0);
  const byId = new Map(rows.map((row) => [row.id, envelopeOf(row)]));
  for (const envelope of received) {
    expect(Object.keys(envelope).sort()).toEqual(ENVELOPE_FIELDS);
    expect(envelope).toEqual(byId.get(envelope.id));
  }
  if (exactlyOnce) expect(received.map((e) => e.id).sort()).toEqual([...byId.keys()].sort());
  const firsts = received.filter((e, i) => received.findIndex((o) => o.id === e.id) === i);
  expect(firsts.map((e) => e.id).sort()).toEqual([...byId.keys()].sort());
  const expected = idsByAggregate(rows.map((r) => ({ aggregateId: r.aggregate_id, id: r.id })));
  expect(idsByAggregate(firsts)).toEqual(expected);
}

/** An event of `aggregateId` for direct insertion (ids are time-ordered, like the app's). */
export function outboxEvent(
  tenantId: string,
  aggregateId: string,
  type: string,
  createdAt = new Date('2026-01-15T12:00:00.000Z'),
  payload: Record<string, unknown> = {},
): OutboxEvent {
  return {
    id: uuidv7(),
    tenantId,
    aggregateType: 'order',
    aggregateId,
    type,
    payload: { aggregateId, type, ...payload },
    createdAt,
  };
}

/**
 * Inserts `perAggregate` events for each of `aggregates` new aggregates: round by round (their
 * positions interleave), or `grouped` (each aggregate's events at adjacent positions).
 */
export async function appendRounds(
  db: Db,
  tenantId: string,
  aggregates: number,
  perAggregate: number,
  grouped = false,
): Promise<OutboxEvent[]> {
  const ids = Array.from({ length: aggregates }, () => uuidv7());
  const steps = Array.from({ length: perAggregate }, (_, i) => `test.step${i}`);
  const all: OutboxEvent[] = [];
  const batches = grouped
    ? ids.map((a) => steps.map((step) => outboxEvent(tenantId, a, step)))
    : steps.map((step) => ids.map((a) => outboxEvent(tenantId, a, step)));
  for (const events of batches) {
    await appendOutboxEvents(db, events);
    all.push(...events);
  }
  return all;
}

/**
 * A new tenant with `orders` orders, each with several events of different types: the first
 * `paid` get paid, the next `failed` a declined payment; with `expire`, the clock moves 16
 * minutes and every unpaid window expires (declined ones too).
 */
export async function ordersWithEvents(
  h: HttpHarness,
  spec: { orders: number; paid?: number; failed?: number; expire?: boolean },
): Promise<{ tenantId: string; orderIds: string[] }> {
  const tenantId = newTenantId();
  const [variant] = await h.seedProducts(tenantId, { onHand: 1000 });
  if (!variant) throw new Error('no variant');
  const paid = spec.paid ?? 0;
  const failed = spec.failed ?? 0;
  const orderIds: string[] = [];
  for (let i = 0; i < spec.orders; i++) {
    const order = await placeDirect(h.system, tenantId, 'buyer', [[variant, 1]]);
    orderIds.push(order.orderId);
    if (i < paid + failed) {
      const outcome = i < paid ? 'succeeded' : 'failed';
      await notifyDirect(h.system, h.clock.now(), tenantId, order.paymentId, outcome);
    }
  }
  if (spec.expire) {
    h.clock.advanceMinutes(16);
    await runPaymentExpiry(h.system.payments, h.clock, {
      batchSize: 500,
      maxBatches: 100,
      warnBeforeMinutes: 5,
    });
  }
  return { tenantId, orderIds };
}

/** No publish of an aggregate's event started before the previous one of it had succeeded. */
export function expectSerialPerAggregate(calls: readonly PublishCall[], tenantId: string): void {
  const byAggregate = new Map<string, PublishCall[]>();
  for (const call of calls) {
    if (call.envelope.tenantId !== tenantId) continue;
    const list = byAggregate.get(call.envelope.aggregateId) ?? [];
    list.push(call);
    byAggregate.set(call.envelope.aggregateId, list);
  }
  for (const list of byAggregate.values()) {
    list.sort((a, b) => a.start - b.start);
    for (let i = 1; i < list.length; i++) {
      const previous = list[i - 1];
      expect(previous?.ok, 'the previous event of the aggregate was delivered').toBe(true);
      expect(previous?.end ?? Number.POSITIVE_INFINITY).toBeLessThan(list[i]?.start ?? 0);
    }
  }
}

/** Why a TCP service cannot be reached, or null when it answers a connection. */
export function tcpProblem(host: string, port: number, timeoutMs = 2_000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (problem: string | null) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer from ${host}:${port} in ${timeoutMs} ms`));
    socket.once('connect', () => done(null));
    socket.once('error', (err) => done(`${host}:${port} unreachable (${err.message})`));
  });
}

/**
 * A suite that needs a broker: skipped with the reason in its name when the broker is down,
 * except under CI, where a failing test says why instead.
 */
export function describeBroker(name: string, problem: string | null, suite: () => void): void {
  if (problem === null) {
    describe(name, suite);
  } else if (process.env.CI) {
    describe(name, () => {
      it(`needs ${name} (required under CI)`, () => {
        throw new Error(problem);
      });
    });
  } else {
    describe.skip(`${name} [skipped: ${problem}]`, suite);
  }
}

export interface TcpProxy {
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  /** Stops accepting and destroys every open connection: the broker looks down. */
  close(): Promise<void>;
  /** Accepts again, on the same port. */
  reopen(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 in front of `target`, to cut a client off a real broker. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let server: Server | null = null;
  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const s = createServer((client) => {
        accepted++;
        const upstream = tcpConnect(target);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => {});
          socket.on('close', () => {
            sockets.delete(socket);
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream);
        upstream.pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve(s));
    });
  server = await listen(0);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy: no port');
  const port = address.port;
  return {
    port,
    accepted: () => accepted,
    async close() {
      const closing = server;
      server = null;
      for (const socket of sockets) socket.destroy();
      if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    async reopen() {
      server ??= await listen(port);
    },
  };
}
