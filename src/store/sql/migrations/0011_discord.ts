import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

/**
 * The Discord channel. `channel_scope` is where inside its channel a session was started (a
 * Discord guild); null for a DM or a channel without such a thing.
 *
 * `discord_guilds` routes a guild to its tenant. Like `tenants`, it is looked up before a tenant
 * is known, so its key is the guild: a small routing table, to be replicated (a Citus reference
 * table) rather than distributed. `discord_deliveries` remembers the DMs already sent for an
 * outbox event, so that an event relayed twice (another sink failed) is not DMed twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    ALTER TABLE order_sessions ADD COLUMN channel_scope text;

    CREATE TABLE discord_guilds (
      guild_id text PRIMARY KEY,
      tenant_id text NOT NULL,
      linked_at timestamptz NOT NULL
    );

    CREATE INDEX discord_guilds_by_tenant ON discord_guilds (tenant_id, guild_id);

    CREATE TABLE discord_deliveries (
      tenant_id text NOT NULL,
      event_id uuid NOT NULL,
      delivered_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, event_id)
    );
  `,
  );
}
