import { z } from 'zod';
import { fail, ok, type Result } from '../../domain/result.ts';
import { parseInput } from '../../domain/validation.ts';
import type { Clock, IdGenerator } from '../ports.ts';
import { type ReceivedWebhookHeaders, verifyWebhook } from '../webhook-signature.ts';
import { applyPaymentEvent, type PaymentEventOutcome } from './apply-payment-event.ts';
import type { PaymentStore } from './ports.ts';

export const paymentWebhookSchema = z.object({
  id: z.string().min(1).max(128),
  type: z.enum(['payment.succeeded', 'payment.failed']),
  created: z.number().int(),
  data: z.object({
    tenantId: z.string().min(1).max(63),
    paymentId: z.string().min(1).max(64),
    failureReason: z.string().max(500).optional(),
  }),
});
export type PaymentWebhookBody = z.infer<typeof paymentWebhookSchema>;

/**
 * A provider's webhook, signed by the Standard Webhooks specification: the signature is checked
 * over the id, timestamp and raw body (5 minutes' tolerance either way, constant-time, any of the
 * configured secrets), then the event is applied once: a replayed event id is acknowledged as
 * `duplicate` and changes nothing. Nothing changes for a bad signature.
 */
export async function receivePaymentWebhook(
  deps: {
    payments: PaymentStore;
    clock: Clock;
    newId: IdGenerator;
    /** One secret, or several (comma or space separated) during a rotation. */
    secret: string;
    provider: string;
  },
  rawBody: string,
  headers: ReceivedWebhookHeaders,
): Promise<Result<{ eventId: string; outcome: PaymentEventOutcome }>> {
  const nowSeconds = Math.floor(deps.clock.now().getTime() / 1000);
  const check = verifyWebhook(deps.secret, rawBody, headers, nowSeconds);
  if (check !== 'valid') {
    return fail('WEBHOOK_SIGNATURE_INVALID', `Signature ${check}.`, { reason: check });
  }
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return fail('INVALID_JSON');
  }
  const parsed = parseInput(paymentWebhookSchema, json);
  if (!parsed.ok) return parsed;
  const event = parsed.value;
  const outcome = await applyPaymentEvent(deps, {
    id: event.id,
    type: event.type,
    tenantId: event.data.tenantId,
    paymentId: event.data.paymentId,
    failureReason: event.data.failureReason,
  });
  return ok({ eventId: event.id, outcome });
}
