import { z } from 'zod';
import { fail, ok, type Result } from '../../domain/result.ts';
import { parseInput } from '../../domain/validation.ts';
import { authorize } from '../access.ts';
import type { RequestContext } from '../context.ts';
import type { Clock } from '../ports.ts';

/** A Discord id: a snowflake, digits only. */
export const discordIdSchema = z.string().regex(/^\d{15,21}$/, 'a Discord id (digits)');

export interface GuildLink {
  guildId: string;
  tenantId: string;
  linkedAt: Date;
}

/** Which tenant a guild orders from: one tenant per guild. */
export interface GuildLinkStore {
  findGuild(guildId: string): Promise<GuildLink | null>;
  /**
   * Links the guild to the tenant unless it is linked to another one (then that link is left as
   * it is) or `replace` is set; the link as it stands afterwards.
   */
  linkGuild(link: GuildLink, options: { replace: boolean }): Promise<GuildLink>;
  /** Removes the guild's link if it is the tenant's; whether one was removed. */
  unlinkGuild(tenantId: string, guildId: string): Promise<boolean>;
  listGuilds(tenantId: string): Promise<GuildLink[]>;
}

export interface GuildLinks {
  /** An admin links a guild to their own tenant; a guild of another tenant stays theirs. */
  link(ctx: RequestContext, guildId: string): Promise<Result<GuildLink>>;
  unlink(ctx: RequestContext, guildId: string): Promise<Result<{ guildId: string }>>;
  list(ctx: RequestContext): Promise<Result<GuildLink[]>>;
  /** The operator's command line: links (or moves) a guild to any tenant. */
  linkAsOperator(guildId: string, tenantId: string): Promise<Result<GuildLink>>;
}

const tenantIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, 'a tenant id');

const parseGuildId = (guildId: string) =>
  parseInput(z.object({ guildId: discordIdSchema }), { guildId });

export function createGuildLinks(deps: { store: GuildLinkStore; clock: Clock }): GuildLinks {
  return {
    async link(ctx, guildId) {
      const allowed = authorize(ctx, 'settings:write');
      if (!allowed.ok) return allowed;
      const id = parseGuildId(guildId);
      if (!id.ok) return id;
      const link = {
        guildId: id.value.guildId,
        tenantId: ctx.tenantId,
        linkedAt: deps.clock.now(),
      };
      const stored = await deps.store.linkGuild(link, { replace: false });
      if (stored.tenantId !== ctx.tenantId) {
        // Which tenant has it is not this tenant's business.
        return fail('DISCORD_GUILD_LINKED_ELSEWHERE', undefined, { field: 'guildId' });
      }
      return ok(stored);
    },

    async unlink(ctx, guildId) {
      const allowed = authorize(ctx, 'settings:write');
      if (!allowed.ok) return allowed;
      const id = parseGuildId(guildId);
      if (!id.ok) return id;
      const removed = await deps.store.unlinkGuild(ctx.tenantId, id.value.guildId);
      return removed
        ? ok({ guildId: id.value.guildId })
        : fail('DISCORD_GUILD_NOT_FOUND', undefined, { guildId: id.value.guildId });
    },

    async list(ctx) {
      const allowed = authorize(ctx, 'settings:write');
      if (!allowed.ok) return allowed;
      return ok(await deps.store.listGuilds(ctx.tenantId));
    },

    async linkAsOperator(guildId, tenantId) {
      const id = parseGuildId(guildId);
      if (!id.ok) return id;
      const tenant = parseInput(z.object({ tenantId: tenantIdSchema }), { tenantId });
      if (!tenant.ok) return tenant;
      const link = {
        guildId: id.value.guildId,
        tenantId: tenant.value.tenantId,
        linkedAt: deps.clock.now(),
      };
      return ok(await deps.store.linkGuild(link, { replace: true }));
    },
  };
}
