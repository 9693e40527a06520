import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AgentKeys } from '../app/agent-keys/service.ts';
import type { AgentKey } from '../domain/agent/api-key.ts';
import { errorResponses, okEnvelope, sendResult } from './envelope.ts';
import { EXAMPLE_AGENT_KEY, EXAMPLE_REQUESTS } from './openapi-examples.ts';

const tags = ['agents (admin)'];

const keyDto = z
  .object({
    id: z.string(),
    label: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'AgentKey', examples: [EXAMPLE_AGENT_KEY] });
const newKeyDto = keyDto.extend({ key: z.string() }).meta({
  id: 'NewAgentKey',
  examples: [{ ...EXAMPLE_AGENT_KEY, key: 'osk_demo_Hp9rQZKK_JH8POSQRv9RME0Au0YGZhR154OWBbpaefg' }],
});
const settingsDto = z
  .object({ allowAnonymous: z.boolean() })
  .meta({ id: 'AgentSettings', examples: [EXAMPLE_REQUESTS.updateAgentSettings] });

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
      operationId: 'createAgentKey',
      tags,
      summary: 'Create an agent API key; the key is in this answer only, never again',
      body: z
        .object({ label: z.string().optional() })
        .optional()
        .meta({ examples: [EXAMPLE_REQUESTS.createAgentKey] }),
      response: {
        201: okEnvelope(newKeyDto),
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
      operationId: 'listAgentKeys',
      tags,
      summary: "The tenant's agent API keys (without the keys themselves)",
      response: { 200: okEnvelope(z.array(keyDto)), ...errorResponses(401, 403) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await agentKeys.list(request.ctx), (keys) => keys.map(presentKey)),
  });

  app.delete('/admin/agent-keys/:id', {
    schema: {
      operationId: 'revokeAgentKey',
      tags,
      summary: 'Revoke an agent API key: its next request is refused',
      params: z.object({ id: z.string().meta({ examples: [EXAMPLE_AGENT_KEY.id] }) }),
      response: { 200: okEnvelope(keyDto), ...errorResponses(401, 403, 404) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await agentKeys.revoke(request.ctx, request.params.id), presentKey),
  });

  app.get('/admin/settings/agents', {
    schema: {
      operationId: 'getAgentSettings',
      tags,
      summary: 'Whether agents without a key may use this tenant (off by default; on for demo)',
      response: { 200: okEnvelope(settingsDto), ...errorResponses(401, 403) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await agentKeys.settings(request.ctx), (s) => s),
  });

  app.put('/admin/settings/agents', {
    schema: {
      operationId: 'updateAgentSettings',
      tags,
      summary: 'Allow or refuse agents without a key',
      body: settingsDto,
      response: { 200: okEnvelope(settingsDto), ...errorResponses(400, 401, 403) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await agentKeys.saveSettings(request.ctx, request.body), (s) => s),
  });
};
