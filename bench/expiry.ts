/**
 * expiry: 100,000 unpaid orders past due; the payment expiry worker (runPaymentExpiry, batches
 * of 1,000, one statement each) expires them all, releases every reservation and writes the
 * events. Baseline in the same run: a per-row loop on an identical data set in a second
 * database. Both are generated with set-based SQL and run in this process, no HTTP.
 */
import { performance } from 'node:perf_hooks';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import {
  DEFAULT_PAYMENT_EXPIRY,
  runPaymentExpiry,
} from '../src/app/payments/expire-payment-sessions.ts';
import { systemClock } from '../src/platform.ts';
import {
  migrateToLatest,
  openEmbedded,
  openPostgres,
  type SqlStore,
} from '../src/store/sql/database.ts';
import { createSqlPaymentStore } from '../src/store/sql/payment.store.ts';
import { expirePaymentSessions } from '../src/store/sql/payment-expiry.sql.ts';
import { pgliteDialect } from '../src/store/sql/pglite-driver.ts';
import type { Database } from '../src/store/sql/tables.ts';
import { ownCpuSeconds, postgresCpuSeconds } from './lib/cpu.ts';
import { type ExpiryState, expiryState, generateUnpaidOrders } from './lib/expiry-data.ts';
import { perRowExpiry } from './lib/per-row-expiry.ts';
import { type BenchContext, type BenchReport, type Check, checksTable } from './lib/report.ts';
import { fixed, ratio, type Table } from './lib/table.ts';
import { openTarget, type Target } from './lib/target.ts';

const TENANT = 'bench-expiry';
/** The per-row baseline stops here; what is left is finished untimed, so the checks still hold. */
const BASELINE_CAP_MS = 180_000;

interface Measured {
  label: string;
  orders: number;
  processed: number;
  elapsedMs: number;
  perSecond: number;
  cpu: { bench: number; postgres: number | null };
  capped: boolean;
  generateMs: number;
  before: ExpiryState;
  after: ExpiryState;
}

export async function expiry(context: BenchContext): Promise<BenchReport> {
  const orders = context.orders ?? 100_000;
  const targets: Target[] = [];
  try {
    const a = await openTarget(context.store, 'expiry_set');
    targets.push(a);
    const b = await openTarget(context.store, 'expiry_rows');
    targets.push(b);
    context.log(`set-based data: ${a.describe}; per-row data: ${b.describe}`);

    let plan: string[] | undefined;
    const setBased = await measure(
      a,
      'worker (set-based, runPaymentExpiry)',
      orders,
      context,
      async (store, now) => {
        if (context.profile) plan = await explainFirstBatch(a, store, now);
        const started = performance.now();
        const result = await runPaymentExpiry(
          createSqlPaymentStore(store.db),
          systemClock,
          DEFAULT_PAYMENT_EXPIRY,
        );
        return { processed: result.expired, elapsedMs: performance.now() - started, capped: false };
      },
    );
    const perRow = await measure(
      b,
      'per-row loop (baseline)',
      orders,
      context,
      async (store, now) => {
        const run = await perRowExpiry(store.db, now, BASELINE_CAP_MS);
        if (run.capped) {
          context.log(
            `per-row loop capped at ${BASELINE_CAP_MS / 1000} s after ${run.processed} rows; finishing the rest untimed`,
          );
          await runPaymentExpiry(
            createSqlPaymentStore(store.db),
            systemClock,
            DEFAULT_PAYMENT_EXPIRY,
          );
        }
        return run;
      },
    );

    const checks: Check[] = [setBased, perRow].flatMap((m) => [
      {
        name: `${m.label}: every window expired`,
        ok:
          m.after.activeSessions === 0 &&
          m.after.expiredSessions === orders &&
          m.after.expiredOrders === orders,
        detail: `${m.after.expiredSessions} sessions and ${m.after.expiredOrders} orders expired, ${m.after.activeSessions} active left`,
      },
      {
        name: `${m.label}: every reservation released, reserved back to 0`,
        ok:
          m.after.heldReservations === 0 &&
          m.after.releasedReservations === orders &&
          m.after.reservedUnits === 0,
        detail: `${m.after.releasedReservations} released, ${m.after.heldReservations} held, reserved ${m.after.reservedUnits} (was ${m.before.reservedUnits})`,
      },
      {
        name: `${m.label}: events and history written`,
        ok: m.after.events === 2 * orders && m.after.expiryHistory === orders,
        detail: `${m.after.events} events (2 per order), ${m.after.expiryHistory} history rows`,
      },
    ]);
    const speedup = setBased.perSecond / Math.max(perRow.perSecond, 1e-9);
    const goals = [
      {
        name: 'expiry worker: orders expired per second',
        target: '≥ 20,000',
        measured: fixed(setBased.perSecond, 0),
        met: setBased.perSecond >= 20_000,
      },
      {
        name: 'expiry worker vs per-row loop',
        target: '≥ 50×',
        measured: `${fixed(speedup, 1)}×`,
        met: speedup >= 50,
      },
    ];
    const rows = [setBased, perRow].map((m) => [
      m.label,
      m.processed,
      fixed(m.elapsedMs / 1000, 2),
      fixed(m.perSecond, 0),
      ratio(m.perSecond, perRow.perSecond),
      m.cpu.postgres === null ? 'n/a' : fixed(m.cpu.postgres, 1),
      fixed(m.cpu.bench, 1),
      m.capped ? `capped at ${BASELINE_CAP_MS / 1000} s` : 'all',
      fixed(m.generateMs / 1000, 1),
    ]);
    const tables: Table[] = [
      {
        title: `expiry (${context.store}): ${orders.toLocaleString('en-US')} unpaid orders past due`,
        columns: [
          'approach',
          'orders expired',
          'seconds',
          'orders/s',
          'vs per-row',
          'postgres CPU s',
          'bench process CPU s',
          'done',
          'data generated in s',
        ],
        rows,
        notes: [
          'Each data set: orders awaiting payment with one item, a held reservation, an active payment session past due and a pending payment, 1,000 SKUs, reserved matching; VACUUM ANALYZE after loading. Worker: batches of 1,000, one statement each. Per-row: find all due, then one transaction per row (session update, order update, release, history, two events). On the embedded store the database runs inside the bench process, so its CPU is in "bench process CPU".',
        ],
      },
      checksTable(checks, goals),
    ];
    if (plan)
      tables.push({
        title: 'EXPLAIN ANALYZE of one worker batch (1,000 sessions, rolled back)',
        columns: ['plan'],
        rows: plan.map((line) => [line]),
      });
    return {
      tables,
      checks,
      targets: goals,
      figures: { setBased, perRow, speedup, ...(plan ? { plan } : {}) },
    };
  } finally {
    for (const target of targets) await target.cleanup();
  }
}

async function openStore(target: Target): Promise<SqlStore> {
  const store = target.databaseUrl
    ? openPostgres({ url: target.databaseUrl, poolSize: 4 })
    : await openEmbedded({ dataDir: `${target.dataDir}/pglite` });
  await migrateToLatest(store.db);
  return store;
}

async function measure(
  target: Target,
  label: string,
  orders: number,
  context: BenchContext,
  run: (
    store: SqlStore,
    now: Date,
  ) => Promise<{ processed: number; elapsedMs: number; capped: boolean }>,
): Promise<Measured> {
  const store = await openStore(target);
  try {
    context.log(`${label}: generating ${orders} unpaid orders`);
    const now = new Date();
    const generating = performance.now();
    await generateUnpaidOrders(store.db, TENANT, orders, now);
    const generateMs = performance.now() - generating;
    const before = await expiryState(store.db, TENANT);
    context.log(`${label}: running`);
    const cpu0 = { bench: ownCpuSeconds(), postgres: postgresCpuSeconds(target.databaseName) };
    const result = await run(store, new Date());
    const cpu1 = { bench: ownCpuSeconds(), postgres: postgresCpuSeconds(target.databaseName) };
    const after = await expiryState(store.db, TENANT);
    return {
      label,
      orders,
      processed: result.processed,
      elapsedMs: result.elapsedMs,
      perSecond: result.processed / (result.elapsedMs / 1000),
      cpu: {
        bench: cpu1.bench - cpu0.bench,
        postgres:
          cpu0.postgres === null || cpu1.postgres === null ? null : cpu1.postgres - cpu0.postgres,
      },
      capped: result.capped,
      generateMs,
      before,
      after,
    };
  } finally {
    await store.close();
  }
}

/**
 * The worker's statement for one batch, as the store sends it, under EXPLAIN (ANALYZE,
 * BUFFERS), inside a transaction that is rolled back: the data stays due.
 */
async function explainFirstBatch(target: Target, store: SqlStore, now: Date): Promise<string[]> {
  const captured: CompiledQuery[] = [];
  const log = (event: { level: string; query: CompiledQuery }) => {
    if (event.level === 'query') captured.push(event.query);
  };
  const pool = target.databaseUrl
    ? new pg.Pool({ connectionString: target.databaseUrl, max: 1 })
    : undefined;
  const logged = pool
    ? new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log })
    : new Kysely<Database>({
        dialect: pgliteDialect(
          (store as SqlStore & { pglite: Parameters<typeof pgliteDialect>[0] }).pglite,
        ),
        log,
      });
  const rollback = new Error('rollback');
  const inRolledBack = async (work: (trx: Kysely<Database>) => Promise<void>) => {
    await logged
      .transaction()
      .execute(async (trx) => {
        await work(trx);
        throw rollback;
      })
      .catch((err: unknown) => {
        if (err !== rollback) throw err;
      });
  };
  try {
    await inRolledBack((trx) =>
      expirePaymentSessions(trx, now, DEFAULT_PAYMENT_EXPIRY.batchSize).then(() => {}),
    );
    const statement = captured.find((query) => query.sql.includes('WITH due AS'));
    if (!statement) return ['(statement not captured)'];
    const lines: string[] = [];
    await inRolledBack(async (trx) => {
      const result = await trx.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, [...statement.parameters]),
      );
      lines.push(...result.rows.map((row) => row['QUERY PLAN']));
    });
    return lines;
  } finally {
    // The embedded Kysely shares the store's PGlite: only a pool of our own is closed.
    if (pool) await logged.destroy();
  }
}
