import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

/**
 * Agent checkout sessions (one JSON document per session, written conditionally on `version`),
 * and the merchant data they are computed from: shipping rates, free-shipping promotions, the
 * buyer address book, and a title for each coupon (shown to agents as the applied discount's).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE checkout_sessions (
      tenant_id text NOT NULL,
      id uuid NOT NULL,
      owner_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('incomplete', 'requires_escalation',
        'ready_for_complete', 'complete_in_progress', 'completed', 'canceled')),
      document jsonb NOT NULL,
      version integer NOT NULL CHECK (version > 0),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id)
    );
    -- The sweeper's scan.
    CREATE INDEX checkout_sessions_by_expiry ON checkout_sessions (expires_at);

    CREATE TABLE shipping_rates (
      tenant_id text NOT NULL,
      id text NOT NULL,
      country_code text NOT NULL CHECK (country_code ~ '^([A-Z]{2}|default)$'),
      service_level text NOT NULL,
      price_cents bigint NOT NULL CHECK (price_cents >= 0),
      title text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id)
    );

    CREATE TABLE promotions (
      tenant_id text NOT NULL,
      id text NOT NULL,
      type text NOT NULL CHECK (type IN ('free_shipping')),
      min_subtotal_cents bigint CHECK (min_subtotal_cents >= 0),
      eligible_skus jsonb NOT NULL DEFAULT '[]',
      description text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id)
    );

    CREATE TABLE buyers (
      tenant_id text NOT NULL,
      id text NOT NULL,
      email text NOT NULL CHECK (email = lower(email)),
      name text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, email)
    );

    CREATE TABLE buyer_addresses (
      tenant_id text NOT NULL,
      id text NOT NULL,
      buyer_id text NOT NULL,
      address jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, buyer_id) REFERENCES buyers (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX buyer_addresses_by_buyer ON buyer_addresses (tenant_id, buyer_id);

    ALTER TABLE coupons ADD COLUMN title text;
  `,
  );
}
