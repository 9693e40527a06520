import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type StoreKind = 'postgres' | 'embedded';

/** Where one benchmark's data lives; `cleanup` drops what the run created. */
export interface Target {
  store: StoreKind;
  /** PostgreSQL: the database the server and the bench use. */
  databaseUrl?: string;
  /** PostgreSQL: the database's name, to find its backends' CPU time. */
  databaseName?: string;
  /** The server's DATA_DIR (the embedded store lives in it). */
  dataDir: string;
  /** Human-readable: which database or folder. */
  describe: string;
  cleanup(): Promise<void>;
}

/** The server on which scratch databases are created when DATABASE_URL is not given. */
export const ADMIN_URL =
  process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * PostgreSQL: DATABASE_URL if set (left as it is: every benchmark uses its own tenants), else
 * a fresh database on the local server, dropped afterwards. Embedded: a temporary data folder.
 */
export async function openTarget(store: StoreKind, label: string): Promise<Target> {
  const target = await createTarget(store, label);
  return { ...target, cleanup: deferCleanup(target.cleanup) };
}

const pending = new Set<() => Promise<void>>();

/**
 * Registers `cleanup` to run at the end of an interrupted run too (cleanupAllTargets); the
 * returned function runs it once.
 */
export function deferCleanup(cleanup: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  const once = () => {
    done ??= cleanup().finally(() => pending.delete(once));
    return done;
  };
  pending.add(once);
  return once;
}

/** Drops every scratch database and folder not yet cleaned up: for an interrupted run. */
export async function cleanupAllTargets(): Promise<void> {
  await Promise.allSettled([...pending].map((cleanup) => cleanup()));
}

async function createTarget(store: StoreKind, label: string): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), `ordersession-bench-${label}-`));
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (store === 'embedded') {
    return {
      store,
      dataDir,
      describe: `embedded (PGlite) in ${dataDir}`,
      cleanup: async () => removeDir(),
    };
  }
  const given = process.env.DATABASE_URL;
  if (given) {
    return {
      store,
      dataDir,
      databaseUrl: given,
      databaseName: decodeURIComponent(new URL(given).pathname.slice(1)) || 'postgres',
      describe: `${redact(given)} (DATABASE_URL, kept)`,
      cleanup: async () => removeDir(),
    };
  }
  const name = `ordersession_bench_${label.replace(/\W/g, '_')}_${Date.now().toString(36)}`;
  await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    store,
    dataDir,
    databaseUrl: url.toString(),
    databaseName: name,
    describe: `${redact(url.toString())} (scratch, dropped after)`,
    async cleanup() {
      removeDir();
      await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    },
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

export async function serverVersion(databaseUrl: string | undefined): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl ?? ADMIN_URL });
  try {
    await client.connect();
    const { rows } = await client.query<{ v: string }>(
      `SELECT current_setting('server_version') AS v`,
    );
    return rows[0]?.v ?? 'unknown';
  } catch {
    return 'unreachable';
  } finally {
    await client.end().catch(() => {});
  }
}
