import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type AgentIdempotencyStore,
  agentRequestHash,
  runIdempotent,
  type StoredAnswer,
} from '../../app/agent-idempotency.ts';
import type { AgentKeys } from '../../app/agent-keys/service.ts';
import type { AgentOrderStore } from '../../app/agent-orders.ts';
import type { CheckoutSessionService } from '../../app/checkout-sessions/service.ts';
import type { RequestContext } from '../../app/context.ts';
import type { OrderReadRepository } from '../../app/orders/repository.ts';
import type { Clock, IdGenerator } from '../../app/ports.ts';
import { agentUserId } from '../../domain/agent/api-key.ts';
import type { DomainError } from '../../domain/errors.ts';
import { buildOrderDocument } from '../ucp/order-map.ts';
import { acpError, acpErrorBody } from './errors.ts';
import { toAcpOrder, toAcpSession, toCompleteInput, toUpdateInput } from './map.ts';
import { completeRequest, createRequest, updateRequest } from './requests.ts';
import { ACP_SUPPORTED_VERSIONS } from './version.ts';
import { acpOrderEvent } from './webhooks.ts';

export interface AcpRoutesDeps {
  checkoutSessions: CheckoutSessionService;
  agentKeys: AgentKeys;
  agentOrders: AgentOrderStore;
  idempotency: AgentIdempotencyStore;
  clock: Clock;
  newId: IdGenerator;
  /** Public base URL, no trailing slash. */
  baseUrl: string;
  paymentHandlerId: string;
  /** Our orders, read back once placed, for the order's agent record. */
  orders: OrderReadRepository;
  /** The platform's order-events URL; unset: no order webhooks. */
  webhookUrl: string | undefined;
}

function never(orderId: string): never {
  throw new Error(`order ${orderId} was placed but cannot be read`);
}

/** Orders and sessions made through ACP are owned by `acp:<key id>`. */
export const ACP_USER_PREFIX = 'acp';

const answer = (status: number, body: unknown): StoredAnswer => ({
  status,
  body: JSON.stringify(body),
});

function send(reply: FastifyReply, stored: StoredAnswer) {
  return reply.code(stored.status).type('application/json').send(stored.body);
}

function failure(error: DomainError, operation?: 'cancel'): StoredAnswer {
  const { status, body } = acpError(error, operation);
  return answer(status, body);
}

function invalid(error: { issues: { path: PropertyKey[]; message: string }[] }): StoredAnswer {
  const issue = error.issues[0];
  const path = issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)) ?? [];
  const param = `$${path.join('')}`;
  return answer(
    400,
    acpErrorBody('invalid', `${param}: ${issue?.message ?? 'invalid'}`, { param }),
  );
}

const contexts = new WeakMap<FastifyRequest, RequestContext>();
const ctxOf = (request: FastifyRequest): RequestContext => {
  const ctx = contexts.get(request);
  if (!ctx) throw new Error('ACP route without an authenticated agent');
  return ctx;
};

/**
 * Every ACP route: `API-Version` must be one we speak (400 naming the supported ones), then
 * the agent is authenticated by its `Authorization: Bearer` API key (the same keys as UCP).
 */
function requireAcpAgent(app: FastifyInstance, agentKeys: AgentKeys) {
  app.addHook('onRequest', async (request, reply) => {
    const requestId = request.headers['request-id'];
    if (typeof requestId === 'string' && requestId.length <= 200)
      reply.header('request-id', requestId);
    const version = request.headers['api-version'];
    if (typeof version !== 'string' || !ACP_SUPPORTED_VERSIONS.includes(version.trim())) {
      return send(
        reply,
        answer(400, {
          ...acpErrorBody(
            'unsupported_api_version',
            `API-Version must be one of ${ACP_SUPPORTED_VERSIONS.join(', ')}.`,
            { param: 'API-Version' },
          ),
          supported_versions: ACP_SUPPORTED_VERSIONS,
        }),
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const caller = match ? await agentKeys.authenticate(match[1]) : null;
    if (!caller?.ok) {
      return send(
        reply,
        answer(
          401,
          acpErrorBody(
            'unauthorized',
            caller ? caller.error.message : 'Authorization: Bearer <API key> is required.',
          ),
        ),
      );
    }
    contexts.set(request, {
      tenantId: caller.value.tenantId,
      userId: agentUserId(ACP_USER_PREFIX, caller.value),
      role: 'user',
      requestId: request.id,
    });
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'unhandled error in an ACP route');
      return send(
        reply,
        answer(
          500,
          acpErrorBody('internal_error', 'Something went wrong.', { type: 'processing_error' }),
        ),
      );
    }
    const code = status === 415 ? 'unsupported_media_type' : 'invalid_json';
    return send(reply, answer(status, acpErrorBody(code, error.message)));
  });
}

/**
 * Runs a POST under its `Idempotency-Key` (per agent and endpoint): required; the first
 * successful answer is replayed with `Idempotent-Replayed: true`; the same key with another
 * body is 422, while the first is still running 409 with `Retry-After`. Failures (4xx, 5xx)
 * are not stored: the request can be retried with its key.
 */
async function idempotent(
  deps: AcpRoutesDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  operation: string,
  resource: string,
  execute: () => Promise<StoredAnswer>,
) {
  const header = request.headers['idempotency-key'];
  const key = typeof header === 'string' ? header.trim() : '';
  if (key === '') {
    return send(
      reply,
      answer(
        400,
        acpErrorBody('idempotency_key_required', 'Idempotency-Key header is required', {
          param: 'Idempotency-Key',
        }),
      ),
    );
  }
  if (key.length > 255) {
    return send(
      reply,
      answer(
        400,
        acpErrorBody('invalid', 'Idempotency-Key: at most 255 characters.', {
          param: 'Idempotency-Key',
        }),
      ),
    );
  }
  const ctx = ctxOf(request);
  reply.header('idempotency-key', key);
  const outcome = await runIdempotent(
    deps.idempotency,
    {
      tenantId: ctx.tenantId,
      // Scoped to the authenticated identity and the endpoint, as the spec says.
      key: `${ctx.userId}:${operation}:${resource}:${key}`,
      operation: `acp.${operation}`,
      requestHash: agentRequestHash(`acp.${operation}`, resource, request.body),
      now: deps.clock.now(),
    },
    execute,
  );
  if (outcome.kind === 'conflict') {
    if (outcome.reason === 'in_flight') {
      reply.header('retry-after', '1');
      return send(
        reply,
        answer(
          409,
          acpErrorBody(
            'idempotency_in_flight',
            'A request with this Idempotency-Key is currently being processed',
          ),
        ),
      );
    }
    return send(
      reply,
      answer(
        422,
        acpErrorBody(
          'idempotency_conflict',
          'Idempotency-Key has already been used with a different request body',
        ),
      ),
    );
  }
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  return send(reply, outcome.answer);
}

/** Each route's entry in /api-docs (the protocol's own schemas are the contract). */
const doc = (summary: string) => ({ schema: { tags: ['acp'], summary } });

/** The Agentic Commerce Protocol's checkout REST binding (2026-04-17), at the server root. */
export function acpRoutes(deps: AcpRoutesDeps) {
  const present = (session: Parameters<typeof toAcpSession>[0]) =>
    toAcpSession(session, { baseUrl: deps.baseUrl, paymentHandlerId: deps.paymentHandlerId });

  return async (app: FastifyInstance) => {
    requireAcpAgent(app, deps.agentKeys);

    app.post(
      '/checkout_sessions',
      doc('ACP: create a checkout session (idempotent)'),
      async (request, reply) =>
        idempotent(deps, request, reply, 'create', '', async () => {
          const parsed = createRequest.safeParse(request.body ?? {});
          if (!parsed.success) return invalid(parsed.error);
          const created = await deps.checkoutSessions.create(
            ctxOf(request),
            toUpdateInput(parsed.data, null),
          );
          return created.ok ? answer(201, present(created.value)) : failure(created.error);
        }),
    );

    app.get<{ Params: { id: string } }>(
      '/checkout_sessions/:id',
      doc('ACP: a checkout session'),
      async (request, reply) => {
        const found = await deps.checkoutSessions.get(ctxOf(request), request.params.id);
        return send(reply, found.ok ? answer(200, present(found.value)) : failure(found.error));
      },
    );

    app.post<{ Params: { id: string } }>(
      '/checkout_sessions/:id',
      doc('ACP: update a checkout session (idempotent)'),
      async (request, reply) =>
        idempotent(deps, request, reply, 'update', request.params.id, async () => {
          const parsed = updateRequest.safeParse(request.body ?? {});
          if (!parsed.success) return invalid(parsed.error);
          const ctx = ctxOf(request);
          const current = await deps.checkoutSessions.get(ctx, request.params.id);
          if (!current.ok) return failure(current.error);
          const updated = await deps.checkoutSessions.update(
            ctx,
            request.params.id,
            toUpdateInput(parsed.data, current.value),
          );
          return updated.ok ? answer(200, present(updated.value)) : failure(updated.error);
        }),
    );

    app.post<{ Params: { id: string } }>(
      '/checkout_sessions/:id/complete',
      doc('ACP: complete a checkout session: place the order and pay (idempotent)'),
      async (request, reply) =>
        idempotent(deps, request, reply, 'complete', request.params.id, async () => {
          const parsed = completeRequest.safeParse(request.body ?? {});
          if (!parsed.success) return invalid(parsed.error);
          const ctx = ctxOf(request);
          if (parsed.data.buyer) {
            const current = await deps.checkoutSessions.get(ctx, request.params.id);
            if (!current.ok) return failure(current.error);
            const updated = await deps.checkoutSessions.update(
              ctx,
              request.params.id,
              toUpdateInput({ buyer: parsed.data.buyer }, current.value),
            );
            if (!updated.ok) return failure(updated.error);
          }
          const completed = await deps.checkoutSessions.complete(
            ctx,
            request.params.id,
            toCompleteInput(parsed.data),
          );
          if (!completed.ok) return failure(completed.error);
          const { session } = completed.value;
          const now = deps.clock.now();
          for (const placed of session.orders) {
            const order = toAcpOrder(session, placed, deps.baseUrl);
            await deps.agentOrders.insert(
              {
                tenantId: ctx.tenantId,
                orderId: placed.id,
                checkoutId: session.id,
                webhookUrl: deps.webhookUrl ?? null,
                // The UCP view too: the order reads the same through UCP's and MCP's get_order.
                document: {
                  ...buildOrderDocument(
                    session,
                    (await deps.orders.findOrder(ctx.tenantId, placed.id)) ?? never(placed.id),
                  ),
                  protocol: 'acp',
                  acp_order: order,
                },
              },
              now,
              deps.webhookUrl
                ? acpOrderEvent({
                    id: deps.newId(),
                    tenantId: ctx.tenantId,
                    orderId: placed.id,
                    type: 'order_create',
                    webhookUrl: deps.webhookUrl,
                    order,
                    at: now,
                  })
                : undefined,
            );
          }
          return answer(200, present(session));
        }),
    );

    app.post<{ Params: { id: string } }>(
      '/checkout_sessions/:id/cancel',
      doc('ACP: cancel a checkout session (idempotent)'),
      async (request, reply) =>
        idempotent(deps, request, reply, 'cancel', request.params.id, async () => {
          const canceled = await deps.checkoutSessions.cancel(ctxOf(request), request.params.id);
          return canceled.ok
            ? answer(200, present(canceled.value))
            : failure(canceled.error, 'cancel');
        }),
    );
  };
}
