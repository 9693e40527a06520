import { type Kysely, sql } from 'kysely';

/**
 * Runs a script of DDL one statement at a time: the embedded store's extended protocol takes a
 * single statement per query. Statements are split on a semicolon at the end of a line.
 */
export async function runStatements(db: Kysely<unknown>, script: string): Promise<void> {
  const statements = script
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter((statement) => statement.length > 0);
  for (const statement of statements) {
    await sql.raw(statement).execute(db);
  }
}
