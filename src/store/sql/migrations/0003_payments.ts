import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

/**
 * The payment window: one payment session per order awaiting payment, the payment attempts
 * made in it, and the provider events already handled (so that a replayed webhook is ignored).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    -- A time-ordered (version 7) uuid for rows that SQL itself inserts, such as the events the
    -- expiry sweep writes: the millisecond timestamp over the first 48 bits of a random uuid.
    CREATE FUNCTION uuid_v7(at timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $fn$
      SELECT encode(
        set_bit(set_bit(
          overlay(uuid_send(gen_random_uuid())
            PLACING substring(int8send((extract(epoch FROM at) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
          52, 1), 53, 1),
        'hex')::uuid
    $fn$;

    CREATE TABLE payment_sessions (
      tenant_id text NOT NULL,
      id uuid NOT NULL,
      order_id uuid NOT NULL,
      status text NOT NULL CHECK (status IN ('active', 'expired', 'completed', 'cancelled')),
      duration_minutes integer NOT NULL CHECK (duration_minutes > 0),
      started_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      payment_attempts integer NOT NULL CHECK (payment_attempts >= 0),
      max_payment_attempts integer NOT NULL CHECK (max_payment_attempts > 0),
      last_payment_attempt_at timestamptz,
      expiring_notified_at timestamptz,
      metadata jsonb NOT NULL DEFAULT '{}',
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, order_id),
      FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id),
      CHECK (payment_attempts <= max_payment_attempts)
    );
    -- The sweeper's scan.
    CREATE INDEX payment_sessions_by_status_expiry ON payment_sessions (status, expires_at);

    CREATE TABLE payments (
      tenant_id text NOT NULL,
      id uuid NOT NULL,
      order_id uuid NOT NULL,
      payment_session_id uuid NOT NULL,
      attempt integer NOT NULL CHECK (attempt > 0),
      provider text NOT NULL,
      provider_payment_id text,
      status text NOT NULL CHECK (status IN ('created', 'pending', 'succeeded', 'failed')),
      amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
      currency text NOT NULL,
      payment_url text,
      failure_reason text,
      late boolean NOT NULL DEFAULT false,
      requires_refund boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, order_id, attempt),
      FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
    );

    CREATE TABLE payment_events (
      tenant_id text NOT NULL,
      provider text NOT NULL,
      event_id text NOT NULL,
      type text NOT NULL,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, provider, event_id)
    );
  `,
  );
}
