import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PaymentSessionView, PaymentWindow } from '../app/payments/payment-window.ts';
import type { Payment } from '../domain/payment/types.ts';
import { errorResponses, okEnvelope, sendResult } from './envelope.ts';
import {
  EXAMPLE_IDS,
  EXAMPLE_PAYMENT,
  EXAMPLE_PAYMENT_SESSION,
  EXAMPLE_RETRY,
} from './openapi-examples.ts';

const tags = ['payments'];

export const paymentDto = z
  .object({
    paymentId: z.string(),
    orderId: z.string(),
    attempt: z.number().int(),
    status: z.enum(['created', 'pending', 'succeeded', 'failed']),
    amountCents: z.number().int(),
    currency: z.string(),
    paymentUrl: z.string().nullable().describe('Where the buyer pays'),
    failureReason: z.string().nullable(),
  })
  .meta({ id: 'Payment', examples: [EXAMPLE_PAYMENT] });

export function presentPayment(payment: Payment): z.infer<typeof paymentDto> {
  return {
    paymentId: payment.id,
    orderId: payment.orderId,
    attempt: payment.attempt,
    status: payment.status,
    amountCents: payment.amountCents,
    currency: payment.currency,
    paymentUrl: payment.paymentUrl,
    failureReason: payment.failureReason,
  };
}

export const paymentSessionDto = z
  .object({
    sessionId: z.string(),
    orderId: z.string(),
    status: z.enum(['active', 'expired', 'completed', 'cancelled']),
    expiresAt: z.string(),
    remainingMinutes: z.number().int(),
    paymentAttempts: z.number().int(),
    maxPaymentAttempts: z.number().int(),
    canRetry: z.boolean(),
  })
  .meta({ id: 'PaymentSession', examples: [EXAMPLE_PAYMENT_SESSION] });

const orderIdParams = z.object({ id: z.uuid().meta({ examples: [EXAMPLE_IDS.order] }) });

export function presentPaymentSession(view: PaymentSessionView): z.infer<typeof paymentSessionDto> {
  return { ...view, expiresAt: view.expiresAt.toISOString() };
}

export const paymentRoutes: FastifyPluginAsyncZod<{
  paymentWindow: PaymentWindow;
}> = async (app, { paymentWindow }) => {
  app.get('/orders/:id/session', {
    schema: {
      operationId: 'getPaymentSession',
      tags,
      summary: "The order's payment window: time left, attempts used, whether a retry is possible",
      params: orderIdParams,
      response: { 200: okEnvelope(paymentSessionDto), ...errorResponses(400, 401, 404) },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await paymentWindow.getSession(request.ctx, request.params.id),
        presentPaymentSession,
      ),
  });

  app.post('/orders/:id/retry-payment', {
    schema: {
      operationId: 'retryPayment',
      tags,
      summary: 'Start another payment attempt while the window is open',
      description:
        'Checks, in order: the session exists (PAYMENT_SESSION_NOT_FOUND), is active (SESSION_NOT_ACTIVE), ' +
        'its window is open (SESSION_EXPIRED, and the session is expired at once), an attempt is left (MAX_ATTEMPTS_REACHED).',
      params: orderIdParams,
      response: {
        200: okEnvelope(
          z
            .object({
              payment: paymentDto,
              paymentUrl: z.string().nullable(),
              paymentAttempts: z.number().int(),
              remainingAttempts: z.number().int(),
              session: paymentSessionDto,
            })
            .meta({ id: 'PaymentRetry', examples: [EXAMPLE_RETRY] }),
        ),
        ...errorResponses(400, 401, 403, 404, 409, 410, 502),
      },
    },
    handler: async (request, reply) => {
      const userAgent = request.headers['user-agent'];
      const result = await paymentWindow.retryPayment(request.ctx, request.params.id, {
        ip: request.ip,
        ...(userAgent ? { userAgent: userAgent.slice(0, 300) } : {}),
      });
      return sendResult(reply, result, (retry) => ({
        payment: presentPayment(retry.payment),
        paymentUrl: retry.payment.paymentUrl,
        paymentAttempts: retry.session.paymentAttempts,
        remainingAttempts: retry.remainingAttempts,
        session: presentPaymentSession(retry.session),
      }));
    },
  });
};
