import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

/**
 * Idempotency keys of any request (the checkout keeps its own, claimed in its transaction): the
 * claim, then the answer to replay. A row without a response_status is still being executed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE request_idempotency (
      tenant_id text NOT NULL,
      scope text NOT NULL,
      idempotency_key text NOT NULL,
      request_hash text NOT NULL,
      claim_token text NOT NULL,
      response_status integer,
      response_headers jsonb,
      response_body text,
      claimed_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, scope, idempotency_key)
    );
    CREATE INDEX request_idempotency_by_expiry ON request_idempotency (expires_at);
  `,
  );
}
