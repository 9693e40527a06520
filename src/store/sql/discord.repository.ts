import { type Kysely, type Selectable, sql } from 'kysely';
import type { VariantSearch } from '../../app/catalog/search.ts';
import type { GuildLink, GuildLinkStore } from '../../app/discord/guild-links.ts';
import { toVariant } from './catalog.repository.ts';
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

/** Outbox events already DMed, so that an event relayed again is not DMed again. */
export interface DiscordDeliveryStore {
  wasDelivered(tenantId: string, eventId: string): Promise<boolean>;
  markDelivered(tenantId: string, eventId: string, now: Date): Promise<void>;
}

export function createSqlDiscordDeliveryStore(db: Kysely<Database>): DiscordDeliveryStore {
  return {
    async wasDelivered(tenantId, eventId) {
      const row = await db
        .selectFrom('discord_deliveries')
        .select('event_id')
        .where('tenant_id', '=', tenantId)
        .where('event_id', '=', eventId)
        .executeTakeFirst();
      return row !== undefined;
    },
    async markDelivered(tenantId, eventId, now) {
      await db
        .insertInto('discord_deliveries')
        .values({ tenant_id: tenantId, event_id: eventId, delivered_at: now })
        .onConflict((conflict) => conflict.doNothing())
        .execute();
    },
  };
}

export function createSqlVariantSearch(db: Kysely<Database>): VariantSearch {
  return {
    async searchVariants(tenantId, text, limit) {
      const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const rows = await db
        .selectFrom('product_variants')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where((eb) => eb.or([eb('sku', 'ilike', pattern), eb('name', 'ilike', pattern)]))
        .orderBy(sql`CASE WHEN sku ILIKE ${pattern} THEN 0 ELSE 1 END`)
        .orderBy('name')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toVariant);
    },
  };
}
