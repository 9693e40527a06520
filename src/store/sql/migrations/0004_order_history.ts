import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

/** Every status change of an order: who, why and when; appended in the change's transaction. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE order_status_history (
      tenant_id text NOT NULL,
      order_id uuid NOT NULL,
      id uuid NOT NULL,
      from_status text,
      to_status text NOT NULL,
      actor_type text NOT NULL,
      actor_id text NOT NULL,
      reason text,
      at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, order_id, id),
      FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
    );
  `,
  );
}
