import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { listenWithReconnect } from './listen.ts';
import { migrations } from './migrations/index.ts';
import { pgliteDialect } from './pglite-driver.ts';
import type { Database } from './tables.ts';
import { guardUnavailable } from './unavailable.ts';

export type StoreKind = 'embedded' | 'postgres';

export interface SqlStore {
  kind: StoreKind;
  db: Kysely<Database>;
  /** Calls `onNotify` on every NOTIFY of `channel`; resolves to a function that stops listening. */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const INT8_OID = 20;
// bigint columns hold cents and stock counts, bounded far below 2^53 by validation.
const parseInt8 = (value: string) => Number.parseInt(value, 10);

export interface PostgresOptions {
  url: string;
  poolSize?: number;
  /** Runs every statement with this search_path: tests give each file its own schema. */
  schema?: string;
  /** Where dropped connections are reported (they are discarded, never fatal). */
  logger?: Pick<Logger, 'warn' | 'info'> | undefined;
}

export function openPostgres(options: PostgresOptions): SqlStore {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    // A database that does not answer fails the request (503) instead of queueing it forever.
    connectionTimeoutMillis: 5000,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID
          ? parseInt8
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A connection that drops (restart, failover, pg_terminate_backend) emits `error`, idle in the
  // pool or checked out between two statements; unheard, that would end the process. The pool
  // discards a broken client on release, and the next query connects anew.
  pool.on('error', (err) => options.logger?.warn({ err }, 'database: idle connection lost'));
  pool.on('connect', (client) => {
    client.on('error', (err) => options.logger?.warn({ err }, 'database: connection lost'));
  });
  const db = new Kysely<Database>({
    dialect: guardUnavailable(new PostgresDialect({ pool })),
  });
  return {
    kind: 'postgres',
    db,
    listen: (channel, onNotify) =>
      // LISTEN holds its connection for good: a client of its own, not one of the pool's.
      listenWithReconnect({ url: options.url, channel, onNotify, logger: options.logger }),
    close: () => db.destroy(),
  };
}

export interface EmbeddedOptions {
  /** A folder for the data; undefined keeps it in memory (tests). */
  dataDir?: string;
  /** Start from a dump made by `dumpDataDir` (tests start from a migrated snapshot). */
  loadDataDir?: Blob;
}

export async function openEmbedded(
  options: EmbeddedOptions = {},
): Promise<SqlStore & { pglite: PGlite }> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers: { [INT8_OID]: parseInt8 },
  });
  const db = new Kysely<Database>({ dialect: pgliteDialect(pglite) });
  return {
    kind: 'embedded',
    db,
    pglite,
    listen: (channel, onNotify) => pglite.listen(channel, () => onNotify()),
    close: () => db.destroy(),
  };
}

/**
 * Kysely looks for its bookkeeping tables in every schema unless told which: name the current
 * one, so that a database holding other migrated schemas (tests, other apps) is not confused.
 */
async function migratorFor(db: Kysely<Database>): Promise<Migrator> {
  const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
  const schema = rows[0]?.schema ?? 'public';
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
  });
}

/** Applies every pending migration; safe to call from many instances at once. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = await migratorFor(db);
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const migrator = await migratorFor(db);
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

export async function ping(db: Kysely<Database>): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
