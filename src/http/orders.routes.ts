import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PlaceOrder } from '../app/checkout/place-order.ts';
import { MAX_ORDER_PAGE, type OrderQueries } from '../app/orders/queries.ts';
import { idempotencyKeySchema, placeOrderInputSchema } from '../domain/checkout/inputs.ts';
import { ORDER_STATUSES } from '../domain/order/status.ts';
import { fail } from '../domain/result.ts';
import { errorResponses, okEnvelope, sendResult } from './envelope.ts';
import { EXAMPLE_IDS, EXAMPLE_ORDER, EXAMPLE_REQUESTS } from './openapi-examples.ts';
import { checkoutDto, orderDto, presentCheckout, presentOrder } from './orders.schemas.ts';

const tags = ['orders'];

const orderListQuery = z.object({
  userId: z.string().min(1).max(128).optional(),
  sellerId: z.string().min(1).max(128).optional(),
  status: z.enum(ORDER_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_ORDER_PAGE).default(20),
  before: z.uuid().optional().describe('nextCursor of the previous page'),
});

const orderPage = z
  .object({ items: z.array(orderDto), nextCursor: z.string().nullable() })
  .meta({ id: 'OrderPage', examples: [{ items: [EXAMPLE_ORDER], nextCursor: null }] });
const orderIdParams = z.object({ id: z.uuid().meta({ examples: [EXAMPLE_IDS.order] }) });

const orderPageResponses = {
  200: okEnvelope(orderPage),
  ...errorResponses(400, 401, 403),
};

export const orderRoutes: FastifyPluginAsyncZod<{
  placeOrder: PlaceOrder;
  orders: OrderQueries;
}> = async (app, { placeOrder, orders }) => {
  app.post('/orders', {
    // The key is claimed inside the checkout's transaction (place-order.ts), not by the generic hook.
    config: { idempotency: 'in-transaction' },
    schema: {
      operationId: 'placeOrder',
      tags,
      summary: 'Place a checkout: one order per seller, stock reserved for all or none',
      description:
        'Requires an idempotency key (Idempotency-Key header, or idempotencyKey in the body). The same key and body ' +
        'answer the first result again (200, Idempotent-Replayed: true); the same key with another body is refused.',
      headers: z.object({
        'idempotency-key': idempotencyKeySchema
          .optional()
          .describe(
            'Required here, or idempotencyKey in the body: the same key and body answer the first result again',
          )
          .meta({ examples: ['checkout-2026-12-01-alice-1'] }),
      }),
      body: placeOrderInputSchema.meta({ examples: [EXAMPLE_REQUESTS.placeOrder] }),
      response: {
        201: okEnvelope(checkoutDto),
        200: okEnvelope(checkoutDto),
        ...errorResponses(400, 401, 403, 404, 409, 422),
      },
    },
    handler: async (request, reply) => {
      const headerKey = request.headers['idempotency-key'];
      const bodyKey = request.body.idempotencyKey;
      if (headerKey !== undefined && bodyKey !== undefined && headerKey !== bodyKey) {
        return sendResult(
          reply,
          fail('VALIDATION_FAILED', 'The Idempotency-Key header and idempotencyKey differ.', {
            field: 'idempotencyKey',
          }),
          () => null,
        );
      }
      const userAgent = request.headers['user-agent'];
      const result = await placeOrder(
        request.ctx,
        { ...request.body, idempotencyKey: headerKey ?? bodyKey },
        { ip: request.ip, ...(userAgent ? { userAgent: userAgent.slice(0, 300) } : {}) },
      );
      if (result.ok && result.value.replayed) reply.header('idempotent-replayed', 'true');
      return sendResult(
        reply,
        result,
        presentCheckout,
        result.ok && result.value.replayed ? 200 : 201,
      );
    },
  });

  app.get('/orders', {
    schema: {
      operationId: 'listOrders',
      tags,
      summary:
        'List orders, newest first: a buyer sees their own, a seller theirs, staff may filter',
      querystring: orderListQuery.strict(),
      response: orderPageResponses,
    },
    handler: async (request, reply) => {
      const { limit, before, ...filter } = request.query;
      return sendResult(
        reply,
        await orders.listOrders(request.ctx, filter, { limit, before }),
        (page) => ({
          items: page.items.map(presentOrder),
          nextCursor: page.nextCursor,
        }),
      );
    },
  });

  app.get('/admin/orders', {
    schema: {
      operationId: 'listAllOrders',
      tags: ['orders (admin)'],
      summary: 'Every order of the tenant (admin or internal), newest first',
      querystring: orderListQuery
        .extend({
          orderNumber: z.string().min(1).max(64).optional(),
          from: z.iso.datetime({ offset: true }).optional().describe('placed at or after'),
          to: z.iso.datetime({ offset: true }).optional().describe('placed before'),
        })
        .strict(),
      response: orderPageResponses,
    },
    handler: async (request, reply) => {
      const { limit, before, from, to, ...filter } = request.query;
      const range = {
        createdFrom: from ? new Date(from) : undefined,
        createdTo: to ? new Date(to) : undefined,
      };
      return sendResult(
        reply,
        await orders.listAllOrders(request.ctx, { ...filter, ...range }, { limit, before }),
        (page) => ({ items: page.items.map(presentOrder), nextCursor: page.nextCursor }),
      );
    },
  });

  app.get('/admin/orders/:id', {
    schema: {
      operationId: 'getOrderAsStaff',
      tags: ['orders (admin)'],
      summary: 'One order (admin or internal)',
      params: orderIdParams,
      response: { 200: okEnvelope(orderDto), ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await orders.getOrderAsStaff(request.ctx, request.params.id), presentOrder),
  });

  app.get('/orders/number/:orderNumber', {
    schema: {
      operationId: 'getOrderByNumber',
      tags,
      summary: 'One order by its number',
      params: z.object({
        orderNumber: z
          .string()
          .min(1)
          .max(64)
          .meta({ examples: [EXAMPLE_IDS.orderNumber] }),
      }),
      response: { 200: okEnvelope(orderDto), ...errorResponses(400, 401, 404) },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await orders.getOrderByNumber(request.ctx, request.params.orderNumber),
        presentOrder,
      ),
  });

  app.get('/orders/:id', {
    schema: {
      operationId: 'getOrder',
      tags,
      summary: 'One order',
      params: orderIdParams,
      response: { 200: okEnvelope(orderDto), ...errorResponses(400, 401, 404) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await orders.getOrder(request.ctx, request.params.id), presentOrder),
  });
};
