import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import {
  migrateToLatest,
  openEmbedded,
  openPostgres,
  type SqlStore,
  type StoreKind,
} from '../../src/store/sql/database.ts';

let embedded: Promise<SqlStore> | undefined;

/** One embedded database per test file, opened from the migrated snapshot. */
function embeddedStore(): Promise<SqlStore> {
  embedded ??= openEmbedded({ loadDataDir: new Blob([readFileSync(inject('pgliteSnapshot'))]) });
  return embedded;
}

/** A new embedded database of its own, opened from the migrated snapshot (the caller closes it). */
export function openSnapshotStore(): Promise<SqlStore & { pglite: unknown }> {
  return openEmbedded({ loadDataDir: new Blob([readFileSync(inject('pgliteSnapshot'))]) });
}

/** One PostgreSQL schema per test file, migrated, dropped when the file ends. */
async function postgresStore(url: string): Promise<SqlStore> {
  const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = openPostgres({ url, poolSize: 1 });
  await sql.raw(`CREATE SCHEMA ${schema}`).execute(admin.db);
  await admin.close();
  const store = openPostgres({ url, schema, poolSize: 20 });
  await migrateToLatest(store.db);
  return {
    ...store,
    async close() {
      await store.close();
      const cleanup = openPostgres({ url, poolSize: 1 });
      await sql.raw(`DROP SCHEMA ${schema} CASCADE`).execute(cleanup.db);
      await cleanup.close();
    },
  };
}

/**
 * Runs a suite once per SQL store: always the embedded one, and PostgreSQL when it is
 * reachable. When it is not, the PostgreSQL suite is reported as skipped, with the reason in
 * its name; under CI the global setup fails the run instead.
 */
export function describeEachStore(name: string, suite: (store: () => SqlStore) => void): void {
  const postgresUrl = inject('postgresUrl');
  const kinds: StoreKind[] = ['embedded', 'postgres'];
  for (const kind of kinds) {
    if (kind === 'postgres' && postgresUrl === null) {
      describe.skip(`${name} [postgres skipped: ${inject('postgresSkipReason')}]`, () => {
        suite(() => {
          throw new Error('skipped');
        });
      });
      continue;
    }
    describe(`${name} [${kind}]`, () => {
      let store: SqlStore | undefined;
      beforeAll(async () => {
        store =
          kind === 'embedded' ? await embeddedStore() : await postgresStore(postgresUrl ?? '');
      });
      afterAll(async () => {
        if (kind === 'postgres') await store?.close();
      });
      suite(() => {
        if (!store) throw new Error('store not open yet');
        return store;
      });
    });
  }
}

let tenantCounter = 0;
/** Tests in one file share a database; each takes tenants of its own, so none sees another's data. */
export function newTenantId(): string {
  tenantCounter++;
  return `t${process.pid}-${Date.now().toString(36)}-${tenantCounter}`;
}
