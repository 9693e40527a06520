import type { FastifyInstance } from 'fastify';
import type { AgentOrderRecord, AgentOrderStore } from '../../app/agent-orders.ts';
import type { RequestContext } from '../../app/context.ts';
import type { OrderQueries } from '../../app/orders/queries.ts';
import type { Clock } from '../../app/ports.ts';
import type { Order } from '../../domain/order/types.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import { sendUcp, UCP_TAGS } from './agent-auth.ts';
import { ucpError, ucpErrorBody } from './errors.ts';
import { toUcpOrder, type UcpOrderDocument } from './order-map.ts';
import { orderUpdateRequest } from './requests.ts';

export interface OrderRoutesDeps {
  orders: OrderQueries;
  agentOrders: AgentOrderStore;
  clock: Clock;
  baseUrl: string;
}

/** Orders placed through UCP, in UCP's order shape: read, and updated by the platform. */
export function orderRoutes(deps: OrderRoutesDeps) {
  return async (app: FastifyInstance) => {
    async function load(
      ctx: RequestContext,
      id: string,
    ): Promise<Result<{ order: Order; record: AgentOrderRecord }>> {
      const order = await deps.orders.getOrder(ctx, id);
      if (!order.ok) return order;
      const record = await deps.agentOrders.find(ctx.tenantId, id);
      // An order placed through another channel has no UCP view.
      if (!record) return fail('ORDER_NOT_FOUND', undefined, { orderId: id });
      return ok({ order: order.value, record });
    }

    app.get<{ Params: { id: string } }>(
      '/orders/:id',
      { schema: { tags: UCP_TAGS, summary: 'UCP: an order placed through UCP' } },
      async (request, reply) => {
        const loaded = await load(request.agent.ctx, request.params.id);
        if (!loaded.ok) {
          const { status, body } = ucpError(loaded.error);
          return sendUcp(reply, status, body);
        }
        const { order, record } = loaded.value;
        return sendUcp(
          reply,
          200,
          toUcpOrder(order, record.document as unknown as UcpOrderDocument, deps.baseUrl),
        );
      },
    );

    /**
     * The platform's record of what happened after the order: fulfillment expectations and
     * events, adjustments (refunds, returns…), kept as sent. Ids, lines, currency and totals
     * stay ours. A wrong shape is 422, as the protocol's validation says.
     */
    app.put<{ Params: { id: string } }>(
      '/orders/:id',
      {
        schema: {
          tags: UCP_TAGS,
          summary: 'UCP: record the platform’s fulfillment events and adjustments of an order',
        },
      },
      async (request, reply) => {
        const parsed = orderUpdateRequest.safeParse(request.body ?? {});
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const field = issue?.path.map(String).join('.') || 'body';
          return sendUcp(
            reply,
            422,
            ucpErrorBody('invalid_input', `${field}: ${issue?.message ?? 'invalid'}`),
          );
        }
        for (let attempt = 0; attempt < 5; attempt++) {
          const loaded = await load(request.agent.ctx, request.params.id);
          if (!loaded.ok) {
            const { status, body } = ucpError(loaded.error);
            return sendUcp(reply, status, body);
          }
          const { order, record } = loaded.value;
          const current = record.document as unknown as UcpOrderDocument;
          const update = parsed.data;
          const document: UcpOrderDocument = {
            ...current,
            fulfillment: {
              expectations: (update.fulfillment?.expectations ??
                current.fulfillment.expectations) as Record<string, unknown>[],
              events: (update.fulfillment?.events ?? current.fulfillment.events) as Record<
                string,
                unknown
              >[],
            },
            adjustments: (update.adjustments ?? current.adjustments) as Record<string, unknown>[],
          };
          const saved = await deps.agentOrders.replaceDocument(
            record.tenantId,
            record.orderId,
            { ...document },
            record.version,
            deps.clock.now(),
          );
          if (saved) return sendUcp(reply, 200, toUcpOrder(order, document, deps.baseUrl));
        }
        return sendUcp(
          reply,
          409,
          ucpErrorBody('concurrent_modification', 'The order kept changing; retry.'),
        );
      },
    );
  };
}
