import { type Kysely, type Selectable, sql } from 'kysely';
import { type DiscordDmStore, DM_EVENT_TYPES } from '../../app/discord/dm-ports.ts';
import type { GuildLink, GuildLinkStore } from '../../app/discord/guild-links.ts';
import { discordUserIdOf } from '../../app/discord/identity.ts';
import type { Database, DiscordGuildsTable } from './tables.ts';

const toLink = (row: Selectable<DiscordGuildsTable>): GuildLink => ({
  guildId: row.guild_id,
  tenantId: row.tenant_id,
  linkedAt: row.linked_at,
});

export function createSqlGuildLinkStore(db: Kysely<Database>): GuildLinkStore {
  async function findGuild(guildId: string) {
    const row = await db
      .selectFrom('discord_guilds')
      .selectAll()
      .where('guild_id', '=', guildId)
      .executeTakeFirst();
    return row ? toLink(row) : null;
  }
  return {
    findGuild,

    async linkGuild(link, { replace }) {
      const row = await db
        .insertInto('discord_guilds')
        .values({ guild_id: link.guildId, tenant_id: link.tenantId, linked_at: link.linkedAt })
        .onConflict((conflict) => {
          const update = conflict
            .column('guild_id')
            .doUpdateSet({ tenant_id: link.tenantId, linked_at: link.linkedAt });
          // Without `replace`, only a re-link by the same tenant touches the row.
          return replace ? update : update.where('discord_guilds.tenant_id', '=', link.tenantId);
        })
        .returningAll()
        .executeTakeFirst();
      if (row) return toLink(row);
      const existing = await findGuild(link.guildId);
      if (!existing) throw new Error(`discord guild ${link.guildId}: link vanished`);
      return existing;
    },

    async unlinkGuild(tenantId, guildId) {
      const result = await db
        .deleteFrom('discord_guilds')
        .where('tenant_id', '=', tenantId)
        .where('guild_id', '=', guildId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async listGuilds(tenantId) {
      const rows = await db
        .selectFrom('discord_guilds')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('guild_id')
        .execute();
      return rows.map(toLink);
    },
  };
}

/** What the Discord sink needs of the coming relay batch, read outside its transaction. */
export function createSqlDiscordDmStore(db: Kysely<Database>): DiscordDmStore {
  return {
    async pendingDms(now, limit) {
      const { rows } = await sql<{
        tenant_id: string;
        event_id: string;
        user_id: string | null;
        order_id: string;
        order_number: string | null;
        total_cents: number | null;
        currency: string | null;
        delivered: boolean;
      }>`
        SELECT o.tenant_id, o.id AS event_id, ord.user_id, o.aggregate_id AS order_id,
          ord.order_number, ord.total_cents, ord.currency, (d.event_id IS NOT NULL) AS delivered
        FROM outbox o
        LEFT JOIN orders ord ON ord.tenant_id = o.tenant_id AND ord.id = o.aggregate_id
        LEFT JOIN discord_deliveries d ON d.tenant_id = o.tenant_id AND d.event_id = o.id
        WHERE o.published_at IS NULL AND o.parked_at IS NULL
          AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ${now})
          AND o.type IN (${sql.join([...DM_EVENT_TYPES])})
        ORDER BY o.position
        LIMIT ${limit}
      `.execute(db);
      return rows.map((row) => ({
        tenantId: row.tenant_id,
        eventId: row.event_id,
        discordUserId: row.user_id ? discordUserIdOf(row.user_id) : null,
        delivered: row.delivered,
        order: {
          id: row.order_id,
          tenantId: row.tenant_id,
          orderNumber: row.order_number ?? '',
          totalCents: Number(row.total_cents ?? 0),
          currency: row.currency ?? 'USD',
        },
      }));
    },

    async markDelivered(sent, now) {
      await db
        .insertInto('discord_deliveries')
        .values(
          sent.map((s) => ({ tenant_id: s.tenantId, event_id: s.eventId, delivered_at: now })),
        )
        .onConflict((conflict) => conflict.doNothing())
        .execute();
    },
  };
}
