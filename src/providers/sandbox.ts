import type { PaymentProvider } from '../app/payments/ports.ts';
import type { PaymentWebhookBody } from '../app/payments/receive-webhook.ts';
import { signWebhook, splitWebhookSecrets, type WebhookHeaders } from '../app/webhook-signature.ts';

export const SANDBOX_PROVIDER = 'sandbox';

/**
 * The built-in payment provider for development and tests: a payment is a page of this
 * service where a person presses "pay" or "fail"; the page then calls our webhook, signed,
 * as a real gateway would.
 */
export function createSandboxProvider(publicBaseUrl: string): PaymentProvider {
  const pageUrl = (tenantId: string, paymentId: string) =>
    `${publicBaseUrl}/sandbox/pay/${encodeURIComponent(tenantId)}/${paymentId}`;
  return {
    name: SANDBOX_PROVIDER,
    async createPayment(request) {
      return {
        providerPaymentId: `sbx_${request.paymentId}`,
        paymentUrl: pageUrl(request.tenantId, request.paymentId),
      };
    },
    checkoutUrl: (payment) => pageUrl(payment.tenantId, payment.paymentId),
  };
}

/**
 * The webhook the sandbox sends when a person presses a button: its raw body and Standard
 * Webhooks headers, the event id as `webhook-id`. Like a provider, it signs with one secret: the
 * first of the setting (the new one, during a rotation).
 */
export function sandboxWebhook(
  secret: string,
  event: { id: string; outcome: 'succeeded' | 'failed'; tenantId: string; paymentId: string },
  now: Date,
): { rawBody: string; headers: WebhookHeaders } {
  const created = Math.floor(now.getTime() / 1000);
  const body: PaymentWebhookBody = {
    id: event.id,
    type: event.outcome === 'succeeded' ? 'payment.succeeded' : 'payment.failed',
    created,
    data: {
      tenantId: event.tenantId,
      paymentId: event.paymentId,
      ...(event.outcome === 'failed' ? { failureReason: 'card_declined (sandbox)' } : {}),
    },
  };
  const rawBody = JSON.stringify(body);
  const first = splitWebhookSecrets(secret)[0] ?? secret;
  return { rawBody, headers: signWebhook(first, { id: event.id, unixSeconds: created, rawBody }) };
}
