import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

/**
 * Nonces of signed service calls, remembered until their signature could no longer pass the
 * timestamp check, so that a captured call cannot be sent twice. Not a tenant's data: a nonce
 * is checked before the tenant the call names is trusted, so the key is the nonce alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE service_nonces (
      nonce text PRIMARY KEY,
      service_name text NOT NULL,
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX service_nonces_expires_at ON service_nonces (expires_at);
  `,
  );
}
