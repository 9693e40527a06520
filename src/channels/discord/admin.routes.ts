import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { GuildLink, GuildLinks } from '../../app/discord/guild-links.ts';
import { errorResponses, okEnvelope, sendResult } from '../../http/envelope.ts';

const tags = ['discord (admin)'];
const guildDto = z.object({ guildId: z.string(), tenantId: z.string(), linkedAt: z.string() });
const present = (link: GuildLink) => ({ ...link, linkedAt: link.linkedAt.toISOString() });
const params = z.object({ guildId: z.string().max(32) });

/** Inside `/api`: an admin links Discord servers to their own tenant. */
export const discordAdminRoutes: FastifyPluginAsyncZod<{ guildLinks: GuildLinks }> = async (
  app,
  { guildLinks },
) => {
  app.put('/admin/discord/guilds/:guildId', {
    schema: {
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
      tags,
      summary: "Unlink one of the tenant's Discord servers",
      params,
      response: {
        200: okEnvelope(z.object({ guildId: z.string() })),
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async (request, reply) =>
      sendResult(reply, await guildLinks.unlink(request.ctx, request.params.guildId), (v) => v),
  });

  app.get('/admin/discord/guilds', {
    schema: {
      tags,
      summary: "The tenant's linked Discord servers",
      response: { 200: okEnvelope(z.array(guildDto)), ...errorResponses(401, 403) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await guildLinks.list(request.ctx), (links) => links.map(present)),
  });
};
