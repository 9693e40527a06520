import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AgentKeys } from '../../app/agent-keys/service.ts';
import type { RequestContext } from '../../app/context.ts';
import { type AgentCaller, agentUserId } from '../../domain/agent/api-key.ts';
import { domainError } from '../../domain/errors.ts';
import { findUnstorableText } from '../../domain/text.ts';
import { ucpError, ucpErrorBody } from './errors.ts';
import { negotiateVersion, parseUcpAgent, type UcpAgent } from './version.ts';

/** The OpenAPI tag of every UCP route. */
export const UCP_TAGS = ['UCP (AI agents)'];

/** Orders placed through UCP are recorded under `ucp:<key id or anonymous>`. */
export const UCP_USER_PREFIX = 'ucp';

export interface AgentRequest {
  caller: AgentCaller;
  /** The context our use cases take: the agent acts as a user of its tenant. */
  ctx: RequestContext;
  ucpAgent: UcpAgent;
}

declare module 'fastify' {
  interface FastifyRequest {
    agent: AgentRequest;
  }
}

/** The key from `Authorization: Bearer …` or `X-API-Key` (both in the UCP REST binding). */
function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : undefined;
}

export function sendUcp(reply: FastifyReply, status: number, body: unknown) {
  return reply.code(status).type('application/json').send(JSON.stringify(body));
}

/**
 * Every agent route: the `UCP-Agent` header is read and its version negotiated (an unsupported
 * one is refused with 422 before anything else), then the caller is authenticated by its API
 * key or, where the tenant allows it, as an anonymous agent.
 */
export function requireAgent(app: FastifyInstance, agentKeys: AgentKeys): void {
  app.decorateRequest('agent', null as unknown as AgentRequest);
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers['ucp-agent'];
    const ucpAgent = parseUcpAgent(typeof header === 'string' ? header : undefined);
    if (ucpAgent === null) {
      return sendUcp(
        reply,
        400,
        ucpErrorBody('invalid_input', 'UCP-Agent is not an RFC 8941 dictionary.', 'unrecoverable'),
      );
    }
    const version = negotiateVersion(ucpAgent);
    if (!version.ok) {
      const { status, body } = ucpError(
        domainError('PROTOCOL_VERSION_UNSUPPORTED', version.message),
      );
      return sendUcp(reply, status, body);
    }
    const caller = await agentKeys.authenticate(presentedKey(request));
    if (!caller.ok) {
      const { status, body } = ucpError(caller.error);
      return sendUcp(reply, status, body);
    }
    request.agent = {
      caller: caller.value,
      ucpAgent,
      ctx: {
        tenantId: caller.value.tenantId,
        userId: agentUserId(UCP_USER_PREFIX, caller.value),
        role: 'user',
        requestId: request.id,
      },
    };
  });
  // The one rule for text the database can store (and for nesting depth), answered in UCP's
  // shape: every later step (the idempotency hash, the mapping) may then recurse safely.
  app.addHook('preValidation', async (request, reply) => {
    for (const [where, value] of [
      ['body', request.body],
      ['params', request.params],
      ['query', request.query],
    ] as const) {
      const found = findUnstorableText(value);
      if (found) {
        const field = [where, ...found.path].join('.');
        return sendUcp(reply, 400, ucpErrorBody('invalid_input', `${field}: ${found.reason}`));
      }
    }
  });
}
