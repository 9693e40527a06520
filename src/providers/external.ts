import type { PaymentProvider } from '../app/payments/ports.ts';

export const EXTERNAL_PROVIDER = 'external';

/**
 * The provider when the sandbox is off: the shop's own payment integration takes the money and
 * reports the outcome to the signed webhook (`POST /api/payments/webhook`), which alone marks a
 * payment succeeded. We hand out no payment link of ours; the provider's reference is our
 * payment id, which the shop's integration passes to its gateway and back.
 */
export function createExternalProvider(): PaymentProvider {
  return {
    name: EXTERNAL_PROVIDER,
    async createPayment(request) {
      return { providerPaymentId: request.paymentId, paymentUrl: null };
    },
  };
}
