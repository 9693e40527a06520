import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { GuildLink, GuildLinks } from '../../app/discord/guild-links.ts';
import { errorResponses, okEnvelope, sendResult } from '../../http/envelope.ts';
import { EXAMPLE_GUILD_LINK } from '../../http/openapi-examples.ts';

const tags = ['discord (admin)'];
const guildDto = z
  .object({ guildId: z.string(), tenantId: z.string(), linkedAt: z.string() })
  .meta({ id: 'DiscordGuildLink', examples: [EXAMPLE_GUILD_LINK] });
const present = (link: GuildLink) => ({ ...link, linkedAt: link.linkedAt.toISOString() });
const params = z.object({
  guildId: z
    .string()
    .max(32)
    .meta({ examples: [EXAMPLE_GUILD_LINK.guildId] }),
});

/** Inside `/api`: an admin links Discord servers to their own tenant. */
export const discordAdminRoutes: FastifyPluginAsyncZod<{ guildLinks: GuildLinks }> = async (
  app,
  { guildLinks },
) => {
  app.put('/admin/discord/guilds/:guildId', {
    schema: {
      operationId: 'linkDiscordGuild',
      tags,
      summary: "Link a Discord server to the caller's tenant: its /order commands order from it",
      params,
      response: { 200: okEnvelope(guildDto), ...errorResponses(400, 401, 403, 409) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await guildLinks.link(request.ctx, request.params.guildId), present),
  });

  app.delete('/admin/discord/guilds/:guildId', {
    schema: {
      operationId: 'unlinkDiscordGuild',
      tags,
      summary: "Unlink one of the tenant's Discord servers",
      params,
      response: {
        200: okEnvelope(
          z
            .object({ guildId: z.string() })
            .meta({ examples: [{ guildId: EXAMPLE_GUILD_LINK.guildId }] }),
        ),
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async (request, reply) =>
      sendResult(reply, await guildLinks.unlink(request.ctx, request.params.guildId), (v) => v),
  });

  app.get('/admin/discord/guilds', {
    schema: {
      operationId: 'listDiscordGuilds',
      tags,
      summary: "The tenant's linked Discord servers",
      response: { 200: okEnvelope(z.array(guildDto)), ...errorResponses(401, 403) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await guildLinks.list(request.ctx), (links) => links.map(present)),
  });
};
