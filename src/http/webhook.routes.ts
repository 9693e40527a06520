import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PaymentEventOutcome } from '../app/payments/apply-payment-event.ts';
import type { ReceivedWebhookHeaders } from '../app/webhook-signature.ts';
import type { Result } from '../domain/result.ts';
import { errorResponses, okEnvelope, sendResult } from './envelope.ts';

export type ReceiveWebhook = (
  rawBody: string,
  headers: ReceivedWebhookHeaders,
) => Promise<Result<{ eventId: string; outcome: PaymentEventOutcome }>>;

const single = (value: string | string[] | undefined) =>
  typeof value === 'string' ? value : undefined;

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
        'Signed by the Standard Webhooks specification: headers webhook-id, webhook-timestamp (unix seconds) and ' +
        'webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.rawBody"> with PAYMENT_WEBHOOK_SECRET (whsec_…); ' +
        '5 minutes of tolerance. A replayed event id is acknowledged (outcome duplicate) and changes nothing.',
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
      const headers: ReceivedWebhookHeaders = {
        'webhook-id': single(request.headers['webhook-id']),
        'webhook-timestamp': single(request.headers['webhook-timestamp']),
        'webhook-signature': single(request.headers['webhook-signature']),
      };
      return sendResult(reply, await receive(request.body, headers), (received) => received);
    },
  });
};
