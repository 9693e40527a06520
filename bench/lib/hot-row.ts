import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { percentile } from './stats.ts';

/** One connection's worth of queries: pg clients, or the one PGlite connection shared. */
interface Conn {
  query(text: string, params?: unknown[]): Promise<{ rowCount: number; rows: Row[] }>;
}
interface Row {
  available: number;
  version: number;
}

/**
 * A scratch table with one hot row, written directly (no HTTP, no application): the physical
 * ceiling of one row under contention, for the flash-sale baseline.
 */
export interface HotRow {
  kind: string;
  concurrency: number;
  /** Guarded increments: `reserved = reserved + 1 WHERE on_hand - reserved >= 1`. */
  guardedSale(stock: number, buyers: number): Promise<SaleResult>;
  guardedSustained(ms: number): Promise<RateResult>;
  /** Read the version, then `UPDATE … WHERE version = $v`; a conflict fails the buyer. */
  optimisticSale(stock: number, buyers: number): Promise<SaleResult>;
  optimisticSustained(ms: number): Promise<RateResult>;
  close(): Promise<void>;
}

export interface SaleResult {
  sold: number;
  conflicts: number;
  soldOutAnswers: number;
  /** Time to the last successful reservation. */
  selloutMs: number;
  allAnsweredMs: number;
  perSecond: number;
  conflictRate: number;
}

export interface RateResult {
  successes: number;
  attempts: number;
  conflicts: number;
  perSecond: number;
  conflictRate: number;
  p50: number;
  p99: number;
}

const TABLE = `bench_hot_row_${process.pid}_${Date.now().toString(36)}`;
const GUARDED = `UPDATE ${TABLE} SET reserved = reserved + 1 WHERE id = $1 AND on_hand - reserved >= 1`;
const READ = `SELECT (on_hand - reserved)::int AS available, version FROM ${TABLE} WHERE id = $1`;
const OPTIMISTIC = `UPDATE ${TABLE} SET reserved = reserved + 1, version = version + 1 WHERE id = $1 AND version = $2`;

/** PostgreSQL: `concurrency` connections to `databaseUrl`. Embedded: an in-memory PGlite. */
export async function openHotRow(
  databaseUrl: string | undefined,
  concurrency: number,
): Promise<HotRow> {
  let conns: Conn[];
  let closeAll: () => Promise<void>;
  let kind: string;
  if (databaseUrl) {
    const clients = await Promise.all(
      Array.from({ length: concurrency }, async () => {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        return client;
      }),
    );
    conns = clients.map((client) => ({
      async query(text, params) {
        const result = await client.query<Row>(text, params);
        return { rowCount: result.rowCount ?? 0, rows: result.rows };
      },
    }));
    closeAll = async () => {
      await Promise.all(clients.map((client) => client.end()));
    };
    kind = `PostgreSQL, ${concurrency} connections`;
  } else {
    const db = await PGlite.create();
    const conn: Conn = {
      async query(text, params) {
        const result = await db.query<Row>(text, params);
        return { rowCount: result.affectedRows ?? 0, rows: result.rows };
      },
    };
    conns = Array.from({ length: concurrency }, () => conn);
    closeAll = () => db.close();
    kind = `PGlite in memory, one connection (${concurrency} callers queue on it)`;
  }
  const first = conns[0] as Conn;
  await first.query(
    `CREATE TABLE ${TABLE} (id int PRIMARY KEY, on_hand bigint NOT NULL, reserved bigint NOT NULL DEFAULT 0, version int NOT NULL DEFAULT 1, CHECK (reserved <= on_hand))`,
  );
  const reset = (stock: number) =>
    first
      .query(`DELETE FROM ${TABLE}`)
      .then(() => first.query(`INSERT INTO ${TABLE} (id, on_hand) VALUES (1, $1)`, [stock]));

  async function optimisticAttempt(conn: Conn): Promise<'sold' | 'conflict' | 'sold_out'> {
    const { rows } = await conn.query(READ, [1]);
    const row = rows[0];
    if (!row || row.available < 1) return 'sold_out';
    const updated = await conn.query(OPTIMISTIC, [1, row.version]);
    return updated.rowCount === 1 ? 'sold' : 'conflict';
  }

  async function sale(
    stock: number,
    buyers: number,
    attempt: (conn: Conn) => Promise<'sold' | 'conflict' | 'sold_out'>,
  ): Promise<SaleResult> {
    await reset(stock);
    let next = 0;
    let sold = 0;
    let conflicts = 0;
    let soldOutAnswers = 0;
    let lastSale = 0;
    const started = performance.now();
    await Promise.all(
      conns.map(async (conn) => {
        while (next < buyers) {
          next++;
          const outcome = await attempt(conn);
          if (outcome === 'sold') {
            sold++;
            lastSale = performance.now() - started;
          } else if (outcome === 'conflict') conflicts++;
          else soldOutAnswers++;
        }
      }),
    );
    const allAnsweredMs = performance.now() - started;
    return {
      sold,
      conflicts,
      soldOutAnswers,
      selloutMs: lastSale,
      allAnsweredMs,
      perSecond: lastSale > 0 ? sold / (lastSale / 1000) : 0,
      conflictRate: conflicts / Math.max(1, sold + conflicts),
    };
  }

  async function sustained(
    ms: number,
    attempt: (conn: Conn) => Promise<'sold' | 'conflict' | 'sold_out'>,
  ): Promise<RateResult> {
    await reset(2_000_000_000);
    let successes = 0;
    let attempts = 0;
    let conflicts = 0;
    const latencies: number[] = [];
    const started = performance.now();
    const deadline = started + ms;
    await Promise.all(
      conns.map(async (conn) => {
        while (performance.now() < deadline && attempts < 10_000_000) {
          attempts++;
          const t = performance.now();
          const outcome = await attempt(conn);
          latencies.push(performance.now() - t);
          if (outcome === 'sold') successes++;
          else if (outcome === 'conflict') conflicts++;
        }
      }),
    );
    const elapsed = performance.now() - started;
    latencies.sort((a, b) => a - b);
    return {
      successes,
      attempts,
      conflicts,
      perSecond: successes / (elapsed / 1000),
      conflictRate: conflicts / Math.max(1, attempts),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    };
  }

  const guarded = async (conn: Conn) =>
    (await conn.query(GUARDED, [1])).rowCount === 1 ? ('sold' as const) : ('sold_out' as const);

  return {
    kind,
    concurrency,
    guardedSale: (stock, buyers) => sale(stock, buyers, guarded),
    guardedSustained: (ms) => sustained(ms, guarded),
    optimisticSale: (stock, buyers) => sale(stock, buyers, optimisticAttempt),
    optimisticSustained: (ms) => sustained(ms, optimisticAttempt),
    async close() {
      await first.query(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => {});
      await closeAll();
    },
  };
}
