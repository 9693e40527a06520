import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance } from 'fastify';
import type { System } from '../../system.ts';
import { mcpContext, mcpDeps } from './deps.ts';
import { createMcpServer } from './tools.ts';

/**
 * MCP over Streamable HTTP at /mcp, stateless (a server per request, as the SDK shows for
 * stateless servers): every request carries the agent's `Authorization: Bearer` key, the same
 * keys as UCP and ACP; without a live key nothing connects (401).
 */
export async function registerMcpHttp(app: FastifyInstance, system: System): Promise<void> {
  const deps = mcpDeps(system);
  app.route({
    method: ['POST', 'GET', 'DELETE'],
    url: '/mcp',
    schema: { tags: ['mcp'], summary: 'MCP: the agent checkout tools over Streamable HTTP' },
    handler: async (request, reply) => {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      const caller = match ? await system.agentKeys.authenticate(match[1]) : null;
      if (!caller?.ok) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({
            jsonrpc: '2.0',
            error: {
              code: -32001,
              message: 'UNAUTHENTICATED: an agent API key is required (Authorization: Bearer …).',
            },
            id: null,
          });
      }
      if (request.method !== 'POST') {
        return reply
          .code(405)
          .header('allow', 'POST')
          .send({
            jsonrpc: '2.0',
            error: { code: -32000, message: 'Method not allowed: this server is stateless.' },
            id: null,
          });
      }
      const server = createMcpServer(deps, mcpContext(caller.value, request.id));
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      reply.hijack();
      reply.raw.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(request.raw, reply.raw, request.body);
    },
  });
}
