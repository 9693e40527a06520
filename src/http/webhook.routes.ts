import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PaymentEventOutcome } from '../app/payments/apply-payment-event.ts';
import { paymentWebhookSchema } from '../app/payments/receive-webhook.ts';
import type { ReceivedWebhookHeaders } from '../app/webhook-signature.ts';
import type { Result } from '../domain/result.ts';
import { errorResponses, okEnvelope, sendResult } from './envelope.ts';

export type ReceiveWebhook = (
  rawBody: string,
  headers: ReceivedWebhookHeaders,
) => Promise<Result<{ eventId: string; outcome: PaymentEventOutcome }>>;

const OUTCOMES = [
  'duplicate',
  'unknown_payment',
  'already_settled',
  'paid',
  'failed',
  'late_fulfilled',
  'late_refund_required',
] as const satisfies readonly PaymentEventOutcome[];

const signatureHeader = (description: string, example: string) =>
  z
    .string()
    .describe(description)
    .meta({ examples: [example] });

/** What the route reads, for the document: it checks the signature over the raw text itself. */
const documented = {
  body: paymentWebhookSchema.meta({
    id: 'PaymentEvent',
    examples: [
      {
        id: 'evt_01a22f57-7a10-7c44-9d2b-4f3e2a1b0c9d',
        type: 'payment.succeeded',
        created: 1796349790,
        data: { tenantId: 'demo', paymentId: '01a22f57-768a-71b0-936b-dc272baed030' },
      },
    ],
  }),
  headers: z.object({
    'webhook-id': signatureHeader(
      'The event id (the body’s id)',
      'evt_01a22f57-7a10-7c44-9d2b-4f3e2a1b0c9d',
    ),
    'webhook-timestamp': signatureHeader(
      'Unix seconds; 5 minutes of tolerance either way',
      '1796349790',
    ),
    'webhook-signature': signatureHeader(
      'v1,<base64 HMAC-SHA256 of "id.timestamp.rawBody"> with PAYMENT_WEBHOOK_SECRET; several, space-separated, during a rotation',
      'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
    ),
  }),
};

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
    config: { openapi: documented },
    schema: {
      operationId: 'receivePaymentWebhook',
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
        200: okEnvelope(
          z.object({ eventId: z.string(), outcome: z.enum(OUTCOMES) }).meta({
            examples: [{ eventId: 'evt_01a22f57-7a10-7c44-9d2b-4f3e2a1b0c9d', outcome: 'paid' }],
          }),
        ),
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
