import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { describe, expect, inject, it } from 'vitest';
import { DEFAULT_RELAY, type RelayOptions, relayOutbox } from '../../src/app/outbox/relay.ts';
import { loadConfig } from '../../src/config.ts';
import { DEFAULT_RETRY, nextAttemptDelayMs } from '../../src/domain/outbox.ts';
import { OUTBOX_CHANNEL, relayOptions } from '../../src/service.ts';
import { appendOutboxEvents, countOutboxBacklog } from '../../src/store/sql/outbox.repository.ts';
import { createSqlOutboxStore } from '../../src/store/sql/outbox-relay.store.ts';
import type { Database } from '../../src/store/sql/tables.ts';
import { startOutboxRelay } from '../../src/workers/outbox-relay.ts';
import { type ManualClock, manualClock } from '../support/clock.ts';
import { useHttp } from '../support/http.ts';
import {
  appendRounds,
  deferred,
  deliveredTo,
  eventually,
  expectDelivered,
  expectSerialPerAggregate,
  idsByAggregate,
  ordersWithEvents,
  outboxEvent,
  outboxRow,
  publishLog,
  recordingSink,
  relayUntilIdle,
  sleep,
  tenantOutbox,
} from '../support/outbox.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

/** The relay as `startService` configures it, with OUTBOX_MAX_ATTEMPTS=3 and fixed jitter. */
const CONFIG = loadConfig({ OUTBOX_MAX_ATTEMPTS: '3', OUTBOX_BATCH_SIZE: '10' });
const OPTIONS: RelayOptions = { ...DEFAULT_RELAY, ...relayOptions(CONFIG), random: () => 0.5 };
const later = (clock: ManualClock, ms: number) => clock.set(new Date(clock.now().getTime() + ms));
const silent = pino({ level: 'silent' });

describe('nextAttemptDelayMs: capped exponential backoff with full jitter', () => {
  const policy = { baseMs: 1_000, capMs: 60_000, maxAttempts: 10 };
  const almostOne = 1 - 1e-9;

  it('doubles the ceiling with every failure, from baseMs up to capMs', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8, 9].map(
      (attempts) => nextAttemptDelayMs(attempts, policy, almostOne) + 1,
    );
    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('never exceeds the cap, however many failures', () => {
    for (const attempts of [7, 50, 1_000, 100_000]) {
      expect(nextAttemptDelayMs(attempts, policy, almostOne)).toBe(59_999);
      expect(nextAttemptDelayMs(attempts, DEFAULT_RETRY, almostOne)).toBeLessThan(
        DEFAULT_RETRY.capMs,
      );
    }
  });

  it('spreads the delay over [0, ceiling) with the random draw', () => {
    expect([0, 0.25, 0.5, 0.75].map((r) => nextAttemptDelayMs(3, policy, r))).toEqual([
      0, 1_000, 2_000, 3_000,
    ]);
    const draws = Array.from({ length: 50 }, () => nextAttemptDelayMs(3, policy, Math.random()));
    expect(new Set(draws).size).toBeGreaterThan(10);
    for (const delay of draws) expect(delay >= 0 && delay < 4_000).toBe(true);
  });
});

describeEachStore('outbox relay', (store) => {
  const http = useHttp(store);
  const db = () => store().db;

  it('delivers every event of a clean run exactly once, in outbox order per order', async () => {
    const { tenantId, orderIds } = await ordersWithEvents(http(), {
      orders: 6,
      paid: 2,
      failed: 2,
      expire: true,
    });
    const rows = await tenantOutbox(db(), tenantId);
    // Every order has at least three events of different types, so their order matters.
    const types = idsByAggregate(rows.map((r) => ({ aggregateId: r.aggregate_id, id: r.type })));
    expect([...types.keys()].sort()).toEqual([...orderIds].sort());
    for (const list of types.values()) expect(new Set(list).size).toBeGreaterThanOrEqual(3);

    const sink = recordingSink();
    const run = await relayUntilIdle({ store: store(), sink, clock: manualClock() }, OPTIONS);
    expect({ failed: run.failed, parked: run.parked }).toEqual({ failed: 0, parked: 0 });
    expectDelivered(deliveredTo(sink, tenantId), rows, true);
    expectSerialPerAggregate(sink.calls, tenantId);
    for (const row of await tenantOutbox(db(), tenantId)) {
      expect(row).toMatchObject({ attempts: 0, last_error: null, parked_at: null });
      expect(row.published_at).toBeInstanceOf(Date);
    }
  });

  it('one relay run publishes every deliverable event, not only the first event of each order', async () => {
    const { tenantId } = await ordersWithEvents(http(), { orders: 3 });
    const sink = recordingSink();
    await relayOutbox(
      { store: createSqlOutboxStore(db()), sink, clock: manualClock() },
      { ...DEFAULT_RELAY, random: () => 0.5 },
    );
    const rows = await tenantOutbox(db(), tenantId);
    expect(rows.map((r) => r.type).sort()).toEqual([
      ...Array(3).fill('order.created'),
      ...Array(3).fill('payment.attempted'),
    ]);
    expect(rows.filter((r) => r.published_at === null).map((r) => r.type)).toEqual([]);
  });

  it('records attempts and the error of a failing delivery, backs off, parks it after OUTBOX_MAX_ATTEMPTS; its order waits, others flow, unparkAll puts it back', async () => {
    const tenantId = newTenantId();
    const [a, b, c] = [uuidv7(), uuidv7(), uuidv7()];
    const a1 = outboxEvent(tenantId, a, 'test.first');
    const a2 = outboxEvent(tenantId, a, 'test.second');
    const b1 = outboxEvent(tenantId, b, 'test.first');
    await appendOutboxEvents(db(), [a1, a2, b1]);
    let refusing = true;
    const sink = recordingSink((e) => {
      if (refusing && e.id === a1.id) throw new Error(`broker refused ${e.id}`);
    });
    const clock = manualClock();
    const relay = () => relayUntilIdle({ store: store(), sink, clock }, OPTIONS);
    const tries = () => sink.calls.filter((call) => call.envelope.id === a1.id).length;
    const delivered = () => deliveredTo(sink, tenantId).map((e) => e.id);
    const backlogBefore = await countOutboxBacklog(db());

    expect(await relay()).toMatchObject({ failed: 1, parked: 0 });
    let row = await outboxRow(db(), tenantId, a1.id);
    expect(row).toMatchObject({ attempts: 1, last_error: `broker refused ${a1.id}` });
    expect(row).toMatchObject({ published_at: null, parked_at: null });
    // baseMs 1000, first failure: a delay of up to 1 s, half of it with the fixed draw.
    expect(row.next_attempt_at?.getTime()).toBe(clock.now().getTime() + 500);
    expect(delivered()).toEqual([b1.id]);

    await relay(); // not due yet
    expect(tries()).toBe(1);
    later(clock, 500);
    expect(await relay()).toMatchObject({ failed: 1, parked: 0 });
    row = await outboxRow(db(), tenantId, a1.id);
    expect(row.attempts).toBe(2);
    expect(row.next_attempt_at?.getTime()).toBe(clock.now().getTime() + 1_000);
    later(clock, 999);
    await relay();
    expect(tries()).toBe(2);
    later(clock, 1);
    expect(await relay()).toMatchObject({ failed: 0, parked: 1 });
    row = await outboxRow(db(), tenantId, a1.id);
    expect(row).toMatchObject({ attempts: 3, published_at: null });
    expect(row.parked_at).toEqual(clock.now());

    // Parked: shown in the backlog and in the metrics, never dropped, never retried.
    const backlog = await countOutboxBacklog(db());
    expect(backlog.parked - backlogBefore.parked).toBe(1);
    const metric = await http().system.metrics.registry.getSingleMetricAsString(
      'ordersession_outbox_backlog',
    );
    expect(metric).toContain(`ordersession_outbox_backlog{state="parked"} ${backlog.parked}`);
    clock.advanceMinutes(60);
    const c1 = outboxEvent(tenantId, c, 'test.first');
    await appendOutboxEvents(db(), [c1]);
    await relay();
    expect(tries()).toBe(3);
    expect(delivered()).toEqual([b1.id, c1.id]); // a2 waits behind the parked a1
    expect((await outboxRow(db(), tenantId, a2.id)).published_at).toBeNull();

    refusing = false;
    expect(await createSqlOutboxStore(db()).unparkAll(clock.now())).toBe(backlog.parked);
    row = await outboxRow(db(), tenantId, a1.id);
    expect(row).toMatchObject({ attempts: 0, parked_at: null });
    await relay();
    expect(delivered()).toEqual([b1.id, c1.id, a1.id, a2.id]);
    expect((await countOutboxBacklog(db())).parked).toBe(0);
  });

  it('two relays racing over one outbox deliver each event once, in order per aggregate', async () => {
    const tenantId = newTenantId();
    await appendRounds(db(), tenantId, 12, 5);
    await appendRounds(db(), tenantId, 4, 5, true); // adjacent positions of one aggregate
    const rows = await tenantOutbox(db(), tenantId);
    const log = publishLog();
    const jitter = () => sleep(Math.floor(Math.random() * 4));
    const one = recordingSink(jitter, log, 'one');
    const two = recordingSink(jitter, log, 'two');
    const small = { ...OPTIONS, batchSize: 3 };
    const clock = manualClock();
    await Promise.all([
      relayUntilIdle({ store: store(), sink: one, clock }, small),
      relayUntilIdle({ store: store(), sink: two, clock }, small),
    ]);
    expect(deliveredTo(one, tenantId).length).toBeGreaterThan(0);
    expect(deliveredTo(two, tenantId).length).toBeGreaterThan(0);
    expectDelivered(deliveredTo(log, tenantId), rows, true);
    expectSerialPerAggregate(log.calls, tenantId);
    for (const row of await tenantOutbox(db(), tenantId)) {
      expect(row.published_at).toBeInstanceOf(Date);
    }
  });

  it('loses nothing when a relay is killed mid-batch: the next relay delivers every event', async (ctx) => {
    if (store().kind === 'embedded') {
      ctx.skip('embedded store: one in-process connection, no relay backend to kill');
    }
    const url = inject('postgresUrl');
    if (!url) throw new Error('no PostgreSQL');
    const tenantId = newTenantId();
    await appendRounds(db(), tenantId, 4, 2);
    const rows = await tenantOutbox(db(), tenantId);
    const { rows: found } = await sql<{
      schema: string;
    }>`SELECT current_schema() AS schema`.execute(db());
    // The doomed relay runs on a connection of its own, named so that it can be found and killed.
    const name = `doomed-relay-${process.pid}-${Date.now()}`;
    const pool = new pg.Pool({
      connectionString: url,
      max: 1,
      application_name: name,
      options: `-c search_path=${found[0]?.schema}`,
    });
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    const doomedDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const gate = deferred();
    const hung = recordingSink(() => gate.promise);
    const clock = manualClock();
    const doomed = relayOutbox(
      { store: createSqlOutboxStore(doomedDb), sink: hung, clock },
      { ...OPTIONS, batchSize: 1_000 },
    );
    const state = await Promise.race([
      doomed.then(
        () => 'finished',
        () => 'failed',
      ),
      sleep(1_000).then(() => 'hung'),
    ]);
    expect(state).toBe('hung');
    const held = hung.calls.filter((call) => call.envelope.tenantId === tenantId);
    expect(new Set(held.map((call) => call.envelope.aggregateId)).size).toBe(4);

    // While it holds them, another relay skips those rows and the events behind them wait.
    const next = recordingSink();
    await relayOutbox({ store: createSqlOutboxStore(db()), sink: next, clock }, OPTIONS);
    expect(deliveredTo(next, tenantId)).toEqual([]);

    const { rows: killed } = await sql<{ ok: boolean }>`
      SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = ${name}
    `.execute(db());
    expect(killed.map((k) => k.ok)).toEqual([true]);
    await eventually('the next relay delivers every event', async () => {
      await relayUntilIdle({ store: store(), sink: next, clock }, OPTIONS);
      const after = await tenantOutbox(db(), tenantId);
      return after.every((row) => row.published_at !== null) ? true : undefined;
    });
    expectDelivered(deliveredTo(next, tenantId), rows, true);
    for (const row of await tenantOutbox(db(), tenantId)) expect(row.attempts).toBe(0);

    // Were the killed relay to finish its publishes now, it could not mark anything.
    gate.resolve();
    await expect(doomed).rejects.toThrow();
    await doomedDb.destroy();
  });

  it('prunes only published events older than the retention, a bounded number at a time', async () => {
    const tenantId = newTenantId();
    const kinds = ['old', 'old', 'old', 'old', 'recent', 'pending', 'parked'];
    const events = kinds.map((kind) =>
      outboxEvent(tenantId, uuidv7(), `test.${kind}`, new Date('2019-12-01T00:00:00Z')),
    );
    await appendOutboxEvents(db(), events);
    const [o1, o2, o3, o4, recent, pending, parked] = events.map((e) => e.id);
    const update = (ids: (string | undefined)[], values: Record<string, unknown>) =>
      db()
        .updateTable('outbox')
        .set(values)
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', ids as string[])
        .execute();
    await update([o1, o2, o3, o4], { published_at: new Date('2019-12-31T00:00:00Z') });
    await update([recent], { published_at: new Date('2020-01-10T00:00:00Z') });
    await update([pending], { attempts: 1, next_attempt_at: new Date('2100-01-01T00:00:00Z') });
    await update([parked], { attempts: 3, parked_at: new Date('2019-12-31T00:00:00Z') });
    const remaining = async () =>
      (await tenantOutbox(db(), tenantId)).map((r) => r.type.slice(5)).sort();

    // Retention 168 h on 2020-01-15: anything published before 2020-01-08 goes.
    const outbox = createSqlOutboxStore(db());
    const cutoff = new Date('2020-01-08T00:00:00Z');
    expect(await outbox.prunePublished(cutoff, 2)).toBe(2);
    expect(await outbox.prunePublished(cutoff, 1)).toBe(1);
    expect(await remaining()).toEqual(['old', 'parked', 'pending', 'recent']);

    // The worker prunes on its first run, with OUTBOX_RETENTION_HOURS.
    const ran = deferred();
    const worker = startOutboxRelay({
      store: outbox,
      sink: recordingSink(),
      clock: manualClock(new Date('2020-01-15T00:00:00Z')),
      logger: silent,
      pollIntervalMs: 60_000,
      retentionHours: 168,
      options: OPTIONS,
      onRun: () => ran.resolve(),
    });
    await ran.promise;
    await worker.stop();
    expect(await remaining()).toEqual(['parked', 'pending', 'recent']);
  });

  it('wakes on NOTIFY: polling every 60 s, it delivers an event committed after start within 5 s', async () => {
    const tenantId = newTenantId();
    const sink = recordingSink();
    const listening = deferred();
    const ran = deferred();
    const worker = startOutboxRelay({
      store: createSqlOutboxStore(db()),
      sink,
      clock: manualClock(),
      logger: silent,
      listen: async (wake) => {
        const stop = await store().listen(OUTBOX_CHANNEL, wake);
        listening.resolve();
        return stop;
      },
      pollIntervalMs: 60_000,
      retentionHours: 168,
      options: OPTIONS,
      onRun: () => ran.resolve(),
    });
    try {
      await Promise.all([listening.promise, ran.promise]);
      const event = outboxEvent(tenantId, uuidv7(), 'test.notified');
      await appendOutboxEvents(db(), [event]);
      const [got] = await eventually('the event reaches the sink', () => {
        const list = deliveredTo(sink, tenantId);
        return list.length > 0 ? list : undefined;
      });
      expect(got?.id).toBe(event.id);
    } finally {
      await worker.stop();
    }
  });

  it('the worker publishes both events of a new order in one run, not one per poll interval', async () => {
    const { tenantId } = await ordersWithEvents(http(), { orders: 1 });
    const sink = recordingSink();
    const ran = deferred();
    const worker = startOutboxRelay({
      store: createSqlOutboxStore(db()),
      sink,
      clock: manualClock(),
      logger: silent,
      pollIntervalMs: 60_000,
      retentionHours: 168,
      options: OPTIONS,
      onRun: () => ran.resolve(),
    });
    await ran.promise;
    await worker.stop();
    expect(deliveredTo(sink, tenantId).map((e) => e.type)).toEqual([
      'order.created',
      'payment.attempted',
    ]);
  });
});
