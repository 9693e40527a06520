import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OrderLifecycle } from '../app/orders/lifecycle.ts';
import type { StatusChange } from '../domain/order/history.ts';
import {
  changeStatusInputSchema,
  reasonInputSchema,
  shippingCostInputSchema,
} from '../domain/order/inputs.ts';
import { ORDER_STATUSES } from '../domain/order/status.ts';
import { errorResponses, okEnvelope, sendResult } from './envelope.ts';
import { EXAMPLE_HISTORY_ENTRY, EXAMPLE_IDS, EXAMPLE_REQUESTS } from './openapi-examples.ts';
import { orderDto, presentOrder } from './orders.schemas.ts';

const tags = ['order lifecycle'];
const params = z.object({ id: z.uuid().meta({ examples: [EXAMPLE_IDS.order] }) });
const orderReply = okEnvelope(orderDto);
const changeErrors = errorResponses(400, 401, 403, 404, 409);

const historyDto = z
  .object({
    id: z.string(),
    from: z.enum(ORDER_STATUSES).nullable(),
    to: z.enum(ORDER_STATUSES),
    actorType: z.string(),
    actorId: z.string(),
    reason: z.string().nullable(),
    at: z.string(),
  })
  .meta({ id: 'OrderStatusChange', examples: [EXAMPLE_HISTORY_ENTRY] });

function presentChange(change: StatusChange): z.infer<typeof historyDto> {
  return {
    id: change.id,
    from: change.from,
    to: change.to,
    actorType: change.actorType,
    actorId: change.actorId,
    reason: change.reason,
    at: change.at.toISOString(),
  };
}

/** The order's lifecycle; `prefix` lets staff reach the same routes under /admin too. */
export const orderLifecycleRoutes: FastifyPluginAsyncZod<{ lifecycle: OrderLifecycle }> = async (
  app,
  { lifecycle },
) => {
  const changeStatus = {
    schema: {
      operationId: 'changeOrderStatus',
      tags,
      summary: 'Move an order along the lifecycle (admin or internal)',
      description:
        'A change the lifecycle table does not allow is 409 INVALID_TRANSITION with the allowed targets.',
      params,
      body: changeStatusInputSchema.meta({ examples: [EXAMPLE_REQUESTS.changeOrderStatus] }),
      response: { 200: orderReply, ...changeErrors },
    },
  } as const;
  app.put('/orders/:id/status', {
    ...changeStatus,
    handler: async (request, reply) =>
      sendResult(
        reply,
        await lifecycle.changeStatus(request.ctx, request.params.id, request.body),
        presentOrder,
      ),
  });
  app.put('/admin/orders/:id/status', {
    schema: {
      ...changeStatus.schema,
      operationId: 'changeOrderStatusAsStaff',
      tags: ['orders (admin)'],
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await lifecycle.changeStatus(request.ctx, request.params.id, request.body),
        presentOrder,
      ),
  });

  app.put('/orders/:id/shipping-cost', {
    schema: {
      operationId: 'setOrderShippingCost',
      tags,
      summary:
        'Set the shipping cost before payment (admin or internal); totals and the payment amount follow',
      params,
      body: shippingCostInputSchema.meta({ examples: [EXAMPLE_REQUESTS.setOrderShippingCost] }),
      response: { 200: orderReply, ...changeErrors },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await lifecycle.setShippingCost(request.ctx, request.params.id, request.body),
        presentOrder,
      ),
  });

  app.post('/orders/:id/cancel', {
    schema: {
      operationId: 'cancelOrder',
      tags,
      summary: 'Cancel an unpaid order (the buyer their own, or staff); the stock goes back',
      params,
      body: reasonInputSchema.nullish().meta({ examples: [EXAMPLE_REQUESTS.cancelOrder] }),
      response: { 200: orderReply, ...changeErrors },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await lifecycle.cancel(request.ctx, request.params.id, request.body ?? {}),
        presentOrder,
      ),
  });

  app.post('/orders/:id/refund-request', {
    schema: {
      operationId: 'requestRefund',
      tags,
      summary: 'Ask for a refund of a paid order (the buyer, or staff)',
      params,
      body: reasonInputSchema.nullish().meta({ examples: [EXAMPLE_REQUESTS.requestRefund] }),
      response: { 200: orderReply, ...changeErrors },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await lifecycle.requestRefund(request.ctx, request.params.id, request.body ?? {}),
        presentOrder,
      ),
  });

  app.get('/orders/:id/history', {
    schema: {
      operationId: 'getOrderHistory',
      tags,
      summary: "The order's status changes: from, to, who, why, when",
      params,
      response: { 200: okEnvelope(z.array(historyDto)), ...errorResponses(400, 401, 404) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await lifecycle.history(request.ctx, request.params.id), (changes) =>
        changes.map(presentChange),
      ),
  });
};
