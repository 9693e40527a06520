import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

/**
 * Orders and what placing one writes in the same transaction: item snapshots, adjustment rows,
 * stock reservations, the outbox event and the idempotency key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE orders (
      tenant_id text NOT NULL,
      id uuid NOT NULL,
      order_number text NOT NULL,
      checkout_id uuid NOT NULL,
      user_id text NOT NULL,
      seller_id text,
      order_source text NOT NULL CHECK (order_source IN ('brand', 'seller')),
      status text NOT NULL CHECK (status IN ('pending', 'awaiting_payment', 'paid', 'processing',
        'shipped', 'delivered', 'completed', 'cancelled', 'expired', 'requested_refund', 'refunded')),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      subtotal_cents bigint NOT NULL CHECK (subtotal_cents >= 0),
      adjustments_total_cents bigint NOT NULL,
      total_cents bigint NOT NULL CHECK (total_cents >= 0),
      shipping_address jsonb NOT NULL,
      customer jsonb NOT NULL,
      payment_method text,
      coupon_code text,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, order_number)
    );
    CREATE INDEX orders_by_user ON orders (tenant_id, user_id, id DESC);
    CREATE INDEX orders_by_seller ON orders (tenant_id, seller_id, id DESC);
    CREATE INDEX orders_by_status ON orders (tenant_id, status, id DESC);
    CREATE INDEX orders_by_checkout ON orders (tenant_id, checkout_id);

    CREATE TABLE order_items (
      tenant_id text NOT NULL,
      order_id uuid NOT NULL,
      line_no integer NOT NULL,
      variant_id uuid NOT NULL,
      sku text NOT NULL,
      name text NOT NULL,
      unit_price_cents bigint NOT NULL CHECK (unit_price_cents >= 0),
      quantity integer NOT NULL CHECK (quantity > 0),
      line_total_cents bigint NOT NULL CHECK (line_total_cents >= 0),
      PRIMARY KEY (tenant_id, order_id, line_no),
      FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
    );

    CREATE TABLE order_adjustments (
      tenant_id text NOT NULL,
      order_id uuid NOT NULL,
      line_no integer NOT NULL,
      kind text NOT NULL CHECK (kind IN ('discount', 'shipping', 'tax', 'fee')),
      label text NOT NULL,
      amount_cents bigint NOT NULL,
      source_type text NOT NULL,
      source_id text,
      PRIMARY KEY (tenant_id, order_id, line_no),
      FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
    );

    -- One row per order and variant; 'held' rows add up to product_variants.reserved.
    CREATE TABLE stock_reservations (
      tenant_id text NOT NULL,
      order_id uuid NOT NULL,
      variant_id uuid NOT NULL,
      quantity integer NOT NULL CHECK (quantity > 0),
      status text NOT NULL CHECK (status IN ('held', 'committed', 'released')),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, order_id, variant_id),
      FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id),
      FOREIGN KEY (tenant_id, variant_id) REFERENCES product_variants (tenant_id, id)
    );
    CREATE INDEX stock_reservations_held ON stock_reservations (tenant_id, variant_id) WHERE status = 'held';

    -- position orders events for the relay; a sequence hands it out without locking a row.
    CREATE TABLE outbox (
      tenant_id text NOT NULL,
      id uuid NOT NULL,
      position bigint GENERATED ALWAYS AS IDENTITY,
      aggregate_type text NOT NULL,
      aggregate_id uuid NOT NULL,
      type text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      published_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      next_attempt_at timestamptz,
      parked_at timestamptz,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX outbox_unpublished ON outbox (position) WHERE published_at IS NULL AND parked_at IS NULL;
    CREATE INDEX outbox_by_aggregate ON outbox (tenant_id, aggregate_id, position);

    CREATE TABLE idempotency_keys (
      tenant_id text NOT NULL,
      user_id text NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      result jsonb,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, user_id, key)
    );
    CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);

    CREATE TABLE coupons (
      tenant_id text NOT NULL,
      code text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('percent', 'fixed')),
      percent_bp integer CHECK (percent_bp BETWEEN 1 AND 10000),
      amount_cents bigint CHECK (amount_cents > 0),
      currency text CHECK (currency ~ '^[A-Z]{3}$'),
      min_subtotal_cents bigint NOT NULL DEFAULT 0,
      starts_at timestamptz,
      expires_at timestamptz,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, code),
      CHECK ((kind = 'percent' AND percent_bp IS NOT NULL) OR
             (kind = 'fixed' AND amount_cents IS NOT NULL AND currency IS NOT NULL))
    );
  `,
  );
}
