import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

/**
 * AI agent channels (UCP): the API keys agent platforms call with (only a hash is kept), the
 * per-tenant agent settings, the stored answers of idempotent agent requests, and the part of
 * an order that only the agent protocol holds (its fulfillment events and adjustments as the
 * platform sent them, the platform's webhook URL).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE agent_api_keys (
      tenant_id text NOT NULL,
      id uuid NOT NULL,
      key_hash text NOT NULL,
      label text NOT NULL,
      created_at timestamptz NOT NULL,
      revoked_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, key_hash)
    );

    CREATE TABLE agent_settings (
      tenant_id text PRIMARY KEY,
      allow_anonymous boolean NOT NULL,
      updated_at timestamptz NOT NULL
    );

    CREATE TABLE agent_idempotency (
      tenant_id text NOT NULL,
      key text NOT NULL,
      operation text NOT NULL,
      request_hash text NOT NULL,
      status_code integer,
      body text,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, key)
    );
    CREATE INDEX agent_idempotency_expiry ON agent_idempotency (expires_at);

    CREATE TABLE ucp_orders (
      tenant_id text NOT NULL,
      order_id uuid NOT NULL,
      checkout_id text NOT NULL,
      webhook_url text,
      document jsonb NOT NULL,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, order_id),
      FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
    );
    CREATE INDEX ucp_orders_checkout ON ucp_orders (tenant_id, checkout_id);
  `,
  );
}
