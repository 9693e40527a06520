import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SubmitSession } from '../app/checkout/submit-session.ts';
import type { OrderSessionService } from '../app/order-sessions/service.ts';
import { skuSchema } from '../domain/catalog/inputs.ts';
import { fail, ok } from '../domain/result.ts';
import { errorResponses, okEnvelope, sendResult } from './envelope.ts';
import { EXAMPLE_CHECKOUT, EXAMPLE_IDS, EXAMPLE_SESSION } from './openapi-examples.ts';
import { checkoutDto, presentCheckout } from './orders.schemas.ts';
import {
  addItemBody,
  beginBody,
  paymentMethodBody,
  presentSession,
  sessionDto,
  sessionIdParams,
  shippingBody,
} from './sessions.schemas.ts';

const tags = ['order sessions'];
const sessionReply = okEnvelope(sessionDto);
const SUBMITTED_SESSION = {
  ...EXAMPLE_SESSION,
  state: 'SUBMITTED',
  submittedOrderIds: [EXAMPLE_IDS.order],
  allowedActions: [],
  version: 5,
};
const submittedDto = checkoutDto.extend({ session: sessionDto }).meta({
  id: 'SubmittedSession',
  examples: [{ ...EXAMPLE_CHECKOUT, session: SUBMITTED_SESSION }],
});
/** Every change can meet these: bad input, no gateway, not found, wrong state, expired, wrong item. */
const changeErrors = errorResponses(400, 401, 403, 404, 409, 410, 422);

export const sessionRoutes: FastifyPluginAsyncZod<{
  sessions: OrderSessionService;
  submitSession: SubmitSession;
}> = async (app, { sessions, submitSession }) => {
  app.post('/sessions', {
    schema: {
      operationId: 'beginSession',
      tags,
      summary: 'Begin a session, or return the open one (a retry-safe begin)',
      body: beginBody,
      response: { 200: sessionReply, 201: sessionReply, ...errorResponses(400, 401, 403, 409) },
    },
    handler: async (request, reply) => {
      const channel = request.body?.channel;
      const result = await sessions.begin(request.ctx, channel ? { channel } : {});
      // 201 when this call created the session, 200 when it returned the open one.
      const created = result.ok && result.value.version === 1;
      return sendResult(reply, result, presentSession, created ? 201 : 200);
    },
  });

  app.get('/sessions/active', {
    schema: {
      operationId: 'getActiveSession',
      tags,
      summary: "The caller's active session",
      response: { 200: sessionReply, ...errorResponses(401, 404) },
    },
    handler: async (request, reply) => {
      const session = await sessions.getActive(request.ctx);
      return sendResult(
        reply,
        session ? ok(session) : fail('SESSION_NOT_FOUND', 'No active order session.'),
        presentSession,
      );
    },
  });

  app.get('/sessions/:id', {
    schema: {
      operationId: 'getSession',
      tags,
      summary: 'One of the caller’s sessions',
      params: sessionIdParams,
      response: { 200: sessionReply, ...errorResponses(400, 401, 404) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await sessions.get(request.ctx, request.params.id), presentSession),
  });

  app.post('/sessions/:id/items', {
    schema: {
      operationId: 'addSessionItem',
      tags,
      summary: 'Add a catalog variant; the same SKU again adds to its quantity',
      description: 'Name, SKU and price come from the catalog, never from the client.',
      params: sessionIdParams,
      body: addItemBody,
      response: { 200: sessionReply, ...changeErrors },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await sessions.addItem(request.ctx, request.params.id, request.body),
        presentSession,
      ),
  });

  app.delete('/sessions/:id/items/:sku', {
    schema: {
      operationId: 'removeSessionItem',
      tags,
      summary: 'Remove an item by SKU; removing the last one goes back to COLLECTING_ITEMS',
      params: z.object({ id: z.uuid(), sku: skuSchema }),
      response: { 200: sessionReply, ...changeErrors },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await sessions.removeItem(request.ctx, request.params.id, request.params.sku),
        presentSession,
      ),
  });

  app.put('/sessions/:id/shipping', {
    schema: {
      operationId: 'setSessionShipping',
      tags,
      summary: 'Set or change the shipping address',
      params: sessionIdParams,
      body: shippingBody,
      response: { 200: sessionReply, ...changeErrors },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await sessions.setShipping(request.ctx, request.params.id, request.body.shippingAddress),
        presentSession,
      ),
  });

  app.put('/sessions/:id/payment-method', {
    schema: {
      operationId: 'setSessionPaymentMethod',
      tags,
      summary: 'Choose a payment method; the session becomes READY_TO_SUBMIT',
      params: sessionIdParams,
      body: paymentMethodBody,
      response: { 200: sessionReply, ...changeErrors },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await sessions.setPaymentMethod(request.ctx, request.params.id, request.body.paymentMethod),
        presentSession,
      ),
  });

  app.post('/sessions/:id/submit', {
    schema: {
      operationId: 'submitSession',
      tags,
      summary: 'Place the orders of a READY_TO_SUBMIT session; a retry answers the same orders',
      description:
        'The session id is the idempotency key. Stock is reserved for every item, or the submit fails and nothing is written.',
      params: sessionIdParams,
      response: {
        200: okEnvelope(submittedDto),
        ...changeErrors,
      },
    },
    handler: async (request, reply) =>
      sendResult(reply, await submitSession(request.ctx, request.params.id), (submitted) => ({
        ...presentCheckout(submitted.checkout),
        session: presentSession(submitted.session),
      })),
  });

  app.post('/sessions/:id/cancel', {
    schema: {
      operationId: 'cancelSession',
      tags,
      summary: 'Cancel the session',
      params: sessionIdParams,
      response: { 200: sessionReply, ...changeErrors },
    },
    handler: async (request, reply) =>
      sendResult(reply, await sessions.cancel(request.ctx, request.params.id), presentSession),
  });
};
