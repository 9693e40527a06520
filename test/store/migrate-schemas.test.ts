import { sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { migrateToLatest, openPostgres } from '../../src/store/sql/database.ts';

const url = inject('postgresUrl');

describe.skipIf(url === null)('migrations on PostgreSQL with one schema per store', () => {
  // Regression: Kysely's Migrator looks for its own tables in every schema unless told which
  // one, so a second schema's migration once skipped creating them and failed. The test suites
  // depend on it whenever one file migrates after another's.
  it('migrates a second schema of a database in which another schema is migrated', async () => {
    const stamp = `${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const [first, second] = [`mig_a_${stamp}`, `mig_b_${stamp}`];
    const admin = openPostgres({ url: url ?? '', poolSize: 1 });
    await sql.raw(`CREATE SCHEMA ${first}; CREATE SCHEMA ${second}`).execute(admin.db);
    try {
      const a = openPostgres({ url: url ?? '', schema: first, poolSize: 2 });
      const appliedA = await migrateToLatest(a.db).finally(() => a.close());
      expect(appliedA.length).toBeGreaterThan(0);
      const b = openPostgres({ url: url ?? '', schema: second, poolSize: 2 });
      const appliedB = await migrateToLatest(b.db).finally(() => b.close());
      expect(appliedB).toEqual(appliedA);
    } finally {
      await sql
        .raw(`DROP SCHEMA ${first} CASCADE; DROP SCHEMA ${second} CASCADE`)
        .execute(admin.db);
      await admin.close();
    }
  });
});
