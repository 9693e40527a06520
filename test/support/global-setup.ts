import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateToLatest, openEmbedded } from '../../src/store/sql/database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dump of a migrated embedded database: opening it is seconds faster than migrating. */
    pgliteSnapshot: string;
    /** PostgreSQL for the integration suites, or null when it is unreachable (and not CI). */
    postgresUrl: string | null;
    postgresSkipReason: string;
  }
}

const MIGRATIONS_DIR = join(import.meta.dirname, '../../src/store/sql/migrations');

/** Migrates an embedded database once per change of the migrations, and keeps its dump. */
async function pgliteSnapshot(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_DIR).sort()) {
    hash.update(file).update(readFileSync(join(MIGRATIONS_DIR, file)));
  }
  const path = join(tmpdir(), `ordersession-test-${hash.digest('hex').slice(0, 16)}.tar`);
  if (existsSync(path)) return path;
  const store = await openEmbedded();
  await migrateToLatest(store.db);
  const dump = await store.pglite.dumpDataDir('none');
  await store.close();
  const partial = `${path}.${process.pid}`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, path);
  return path;
}

async function reachablePostgres(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const [snapshot, problem] = await Promise.all([pgliteSnapshot(), reachablePostgres(url)]);
  project.provide('pgliteSnapshot', snapshot);
  if (problem === null) {
    project.provide('postgresUrl', url);
    project.provide('postgresSkipReason', '');
    return;
  }
  const reason = `PostgreSQL is not reachable at ${url} (${problem})`;
  if (process.env.CI) {
    throw new Error(`${reason}. CI requires it: start it with ../shared/ci-services.sh postgres`);
  }
  process.stderr.write(
    `\n  SKIPPING the PostgreSQL suites: ${reason}.\n` +
      '  They run against the embedded store only. Set TEST_DATABASE_URL, or CI=true to fail instead.\n\n',
  );
  project.provide('postgresUrl', null);
  project.provide('postgresSkipReason', reason);
}
