import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AgentKeys } from '../app/agent-keys/service.ts';
import type { AgentKey } from '../domain/agent/api-key.ts';
import { errorResponses, okEnvelope, sendResult } from './envelope.ts';

const tags = ['agents (admin)'];

const keyDto = z.object({
  id: z.string(),
  label: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
const settingsDto = z.object({ allowAnonymous: z.boolean() });

function presentKey(key: AgentKey): z.infer<typeof keyDto> {
  return {
    id: key.id,
    label: key.label,
    createdAt: key.createdAt.toISOString(),
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

/** API keys for AI agent platforms (UCP), and whether the tenant serves agents without one. */
export const agentKeyRoutes: FastifyPluginAsyncZod<{ agentKeys: AgentKeys }> = async (
  app,
  { agentKeys },
) => {
  app.post('/admin/agent-keys', {
    schema: {
      tags,
      summary: 'Create an agent API key; the key is in this answer only, never again',
      body: z.object({ label: z.string().optional() }).optional(),
      response: {
        201: okEnvelope(keyDto.extend({ key: z.string() })),
        ...errorResponses(400, 401, 403),
      },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await agentKeys.create(request.ctx, request.body),
        (key) => ({ ...presentKey(key), key: key.key }),
        201,
      ),
  });

  app.get('/admin/agent-keys', {
    schema: {
      tags,
      summary: "The tenant's agent API keys (without the keys themselves)",
      response: { 200: okEnvelope(z.array(keyDto)), ...errorResponses(401, 403) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await agentKeys.list(request.ctx), (keys) => keys.map(presentKey)),
  });

  app.delete('/admin/agent-keys/:id', {
    schema: {
      tags,
      summary: 'Revoke an agent API key: its next request is refused',
      params: z.object({ id: z.string() }),
      response: { 200: okEnvelope(keyDto), ...errorResponses(401, 403, 404) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await agentKeys.revoke(request.ctx, request.params.id), presentKey),
  });

  app.get('/admin/settings/agents', {
    schema: {
      tags,
      summary: 'Whether agents without a key may use this tenant (off by default; on for demo)',
      response: { 200: okEnvelope(settingsDto), ...errorResponses(401, 403) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await agentKeys.settings(request.ctx), (s) => s),
  });

  app.put('/admin/settings/agents', {
    schema: {
      tags,
      summary: 'Allow or refuse agents without a key',
      body: settingsDto,
      response: { 200: okEnvelope(settingsDto), ...errorResponses(400, 401, 403) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await agentKeys.saveSettings(request.ctx, request.body), (s) => s),
  });
};
