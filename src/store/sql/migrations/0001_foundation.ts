import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

/**
 * Every table carries tenant_id and every key begins with it, so the schema can later be
 * distributed by tenant. Amounts and stock are bigint, read back as numbers (bounded well below
 * 2^53 by validation).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE tenants (
      id text PRIMARY KEY,
      name text NOT NULL,
      settings jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE product_variants (
      tenant_id text NOT NULL,
      id uuid NOT NULL,
      sku text NOT NULL,
      name text NOT NULL,
      price_cents bigint NOT NULL CHECK (price_cents >= 0),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      seller_id text,
      on_hand bigint NOT NULL CHECK (on_hand >= 0),
      reserved bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, sku)
    );

    CREATE TABLE order_sessions (
      tenant_id text NOT NULL,
      id uuid NOT NULL,
      user_id text NOT NULL,
      channel text NOT NULL,
      state text NOT NULL CHECK (state IN ('COLLECTING_ITEMS', 'COLLECTING_SHIPPING',
        'SELECTING_PAYMENT', 'READY_TO_SUBMIT', 'SUBMITTED', 'CANCELLED', 'EXPIRED')),
      items jsonb NOT NULL DEFAULT '[]',
      shipping_address jsonb,
      payment_method text,
      currency text CHECK (currency ~ '^[A-Z]{3}$'),
      submitted_order_ids jsonb NOT NULL DEFAULT '[]',
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id)
    );

    -- One open session per tenant and user, enforced by the database, not by luck.
    CREATE UNIQUE INDEX order_sessions_one_open_per_user ON order_sessions (tenant_id, user_id)
      WHERE state IN ('COLLECTING_ITEMS', 'COLLECTING_SHIPPING', 'SELECTING_PAYMENT', 'READY_TO_SUBMIT');

    -- The sweeper's scan: open sessions by expiry.
    CREATE INDEX order_sessions_open_by_expiry ON order_sessions (expires_at)
      WHERE state IN ('COLLECTING_ITEMS', 'COLLECTING_SHIPPING', 'SELECTING_PAYMENT', 'READY_TO_SUBMIT');
  `,
  );
}
