import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type AgentIdempotencyStore,
  agentRequestHash,
  runIdempotent,
  type StoredAnswer,
} from '../../app/agent-idempotency.ts';
import type { AgentOrderStore } from '../../app/agent-orders.ts';
import type { CheckoutSessionService } from '../../app/checkout-sessions/service.ts';
import type { OrderReadRepository } from '../../app/orders/repository.ts';
import type { Clock } from '../../app/ports.ts';
import type { DomainError } from '../../domain/errors.ts';
import { UCP_TAGS } from './agent-auth.ts';
import { ucpError, ucpErrorBody } from './errors.ts';
import { toCompleteInput, toUcpCheckout, toUpdateInput } from './map.ts';
import { buildOrderDocument, toUcpOrder } from './order-map.ts';
import type { PlatformProfiles } from './platform-profile.ts';
import { checkoutRequest, completeRequest } from './requests.ts';
import type { NewUcpOrderEvent } from './webhooks.ts';

export interface CheckoutRoutesDeps {
  checkoutSessions: CheckoutSessionService;
  agentOrders: AgentOrderStore;
  idempotency: AgentIdempotencyStore;
  profiles: PlatformProfiles;
  clock: Clock;
  /** Public base URL, no trailing slash. */
  baseUrl: string;
  paymentHandlerId: string;
  newEvent: NewUcpOrderEvent;
  /** Our orders, read back once paid, for the order the webhook carries. */
  orders: OrderReadRepository;
}

const answer = (status: number, body: unknown): StoredAnswer => ({
  status,
  body: JSON.stringify(body),
});

function failure(error: DomainError): StoredAnswer {
  const { status, body } = ucpError(error);
  return answer(status, body);
}

function invalid(error: { issues: { path: PropertyKey[]; message: string }[] }): StoredAnswer {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join('.') || 'body';
  return answer(400, ucpErrorBody('invalid_input', `${field}: ${issue?.message ?? 'invalid'}`));
}

function send(reply: FastifyReply, stored: StoredAnswer) {
  return reply.code(stored.status).type('application/json').send(stored.body);
}

/**
 * Runs a state-changing request under its `Idempotency-Key` (per tenant): the stored answer of
 * the first request with that key and body, a 409 for another body. Without a key it just runs.
 */
async function idempotent(
  deps: CheckoutRoutesDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  operation: string,
  resource: string,
  execute: () => Promise<StoredAnswer>,
) {
  const header = request.headers['idempotency-key'];
  const key = typeof header === 'string' ? header.trim() : '';
  if (key === '') return send(reply, await execute());
  if (key.length > 255) {
    return send(
      reply,
      answer(400, ucpErrorBody('invalid_input', 'Idempotency-Key: at most 255 characters.')),
    );
  }
  const outcome = await runIdempotent(
    deps.idempotency,
    {
      tenantId: request.agent.ctx.tenantId,
      key,
      operation,
      requestHash: agentRequestHash(operation, resource, request.body),
      now: deps.clock.now(),
    },
    execute,
  );
  if (outcome.kind === 'conflict') {
    const content =
      outcome.reason === 'in_flight'
        ? 'A request with this Idempotency-Key is still being processed; retry shortly.'
        : 'This Idempotency-Key was used with a different request.';
    return send(reply, answer(409, ucpErrorBody('idempotency_conflict', content)));
  }
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  return send(reply, outcome.answer);
}

export function checkoutRoutes(deps: CheckoutRoutesDeps) {
  const present = (session: Parameters<typeof toUcpCheckout>[0]) =>
    toUcpCheckout(session, { baseUrl: deps.baseUrl, paymentHandlerId: deps.paymentHandlerId });

  return async (app: FastifyInstance) => {
    app.post(
      '/checkout-sessions',
      { schema: { tags: UCP_TAGS, summary: 'UCP: create a checkout session (idempotent)' } },
      async (request, reply) =>
        idempotent(deps, request, reply, 'create', '', async () => {
          const parsed = checkoutRequest.safeParse(request.body ?? {});
          if (!parsed.success) return invalid(parsed.error);
          const profile = request.agent.ucpAgent.profile;
          const created = await deps.checkoutSessions.create(request.agent.ctx, {
            ...toUpdateInput(parsed.data, null),
            // Where the platform's profile is: its order webhook URL is read from it at completion.
            ...(profile && URL.canParse(profile) ? { metadata: { ucpProfile: profile } } : {}),
          });
          return created.ok ? answer(201, present(created.value)) : failure(created.error);
        }),
    );

    app.get<{ Params: { id: string } }>(
      '/checkout-sessions/:id',
      { schema: { tags: UCP_TAGS, summary: 'UCP: a checkout session' } },
      async (request, reply) => {
        const found = await deps.checkoutSessions.get(request.agent.ctx, request.params.id);
        return send(reply, found.ok ? answer(200, present(found.value)) : failure(found.error));
      },
    );

    app.put<{ Params: { id: string } }>(
      '/checkout-sessions/:id',
      { schema: { tags: UCP_TAGS, summary: 'UCP: replace a checkout session (idempotent)' } },
      async (request, reply) =>
        idempotent(deps, request, reply, 'update', request.params.id, async () => {
          const parsed = checkoutRequest.safeParse(request.body ?? {});
          if (!parsed.success) return invalid(parsed.error);
          const current = await deps.checkoutSessions.get(request.agent.ctx, request.params.id);
          if (!current.ok) return failure(current.error);
          const updated = await deps.checkoutSessions.update(
            request.agent.ctx,
            request.params.id,
            toUpdateInput(parsed.data, current.value),
          );
          return updated.ok ? answer(200, present(updated.value)) : failure(updated.error);
        }),
    );

    app.post<{ Params: { id: string } }>(
      '/checkout-sessions/:id/complete',
      {
        schema: {
          tags: UCP_TAGS,
          summary: 'UCP: complete a checkout session: place and pay (idempotent)',
        },
      },
      async (request, reply) =>
        idempotent(deps, request, reply, 'complete', request.params.id, async () => {
          const parsed = completeRequest.safeParse(request.body ?? {});
          if (!parsed.success) return invalid(parsed.error);
          const { ctx, ucpAgent } = request.agent;
          const current = await deps.checkoutSessions.get(ctx, request.params.id);
          if (!current.ok) return failure(current.error);
          const remembered = current.value.metadata.ucpProfile;
          const webhookUrl = await deps.profiles.orderWebhookUrl(
            ucpAgent.profile && URL.canParse(ucpAgent.profile)
              ? ucpAgent.profile
              : typeof remembered === 'string'
                ? remembered
                : undefined,
          );
          const completed = await deps.checkoutSessions.complete(
            ctx,
            request.params.id,
            toCompleteInput(parsed.data),
          );
          if (!completed.ok) return failure(completed.error);
          const { session, orders } = completed.value;
          const now = deps.clock.now();
          for (const placed of orders) {
            const order = (await deps.orders.findOrder(ctx.tenantId, placed.id)) ?? placed;
            const document = buildOrderDocument(session, order);
            await deps.agentOrders.insert(
              {
                tenantId: ctx.tenantId,
                orderId: order.id,
                checkoutId: session.id,
                webhookUrl,
                document: { ...document },
              },
              now,
              webhookUrl
                ? deps.newEvent({
                    tenantId: ctx.tenantId,
                    orderId: order.id,
                    type: 'order_placed',
                    webhookUrl,
                    order: toUcpOrder(order, document, deps.baseUrl),
                    at: now,
                  })
                : undefined,
            );
          }
          return answer(200, present(session));
        }),
    );

    app.post<{ Params: { id: string } }>(
      '/checkout-sessions/:id/cancel',
      { schema: { tags: UCP_TAGS, summary: 'UCP: cancel a checkout session (idempotent)' } },
      async (request, reply) =>
        idempotent(deps, request, reply, 'cancel', request.params.id, async () => {
          const canceled = await deps.checkoutSessions.cancel(request.agent.ctx, request.params.id);
          return canceled.ok ? answer(200, present(canceled.value)) : failure(canceled.error);
        }),
    );
  };
}
