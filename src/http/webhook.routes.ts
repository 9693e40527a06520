import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PaymentEventOutcome } from '../app/payments/apply-payment-event.ts';
import type { Result } from '../domain/result.ts';
import { errorResponses, okEnvelope, sendResult } from './envelope.ts';

export type ReceiveWebhook = (
  rawBody: string,
  signature: string | undefined,
) => Promise<Result<{ eventId: string; outcome: PaymentEventOutcome }>>;

export const SIGNATURE_HEADER = 'payment-signature';

/** The payment provider's webhook: no gateway headers, a signature over the raw body instead. */
export const webhookRoutes: FastifyPluginAsyncZod<{ receive: ReceiveWebhook }> = async (
  app,
  { receive },
) => {
  // The signature covers the exact bytes sent, so keep the body as text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    done(null, body.toString());
  });

  app.post('/payments/webhook', {
    schema: {
      tags: ['payments'],
      summary: 'Payment provider notifications (payment.succeeded, payment.failed)',
      description:
        'Header payment-signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.rawBody"> with PAYMENT_WEBHOOK_SECRET; ' +
        '5 minutes of tolerance. A replayed event id is acknowledged and changes nothing.',
      security: [],
      body: z
        .string()
        .describe('{"id","type","created","data":{"tenantId","paymentId","failureReason?"}}'),
      response: {
        200: okEnvelope(z.object({ eventId: z.string(), outcome: z.string() })),
        ...errorResponses(400, 401),
      },
    },
    handler: async (request, reply) => {
      const signature = request.headers[SIGNATURE_HEADER];
      return sendResult(
        reply,
        await receive(request.body, typeof signature === 'string' ? signature : undefined),
        (received) => received,
      );
    },
  });
};
