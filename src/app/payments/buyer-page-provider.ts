import type { Clock } from '../ports.ts';
import type { PayLinks } from './pay-link.ts';
import type { PaymentProvider } from './ports.ts';

/**
 * The one place that decides which link a buyer is handed: every payment's `paymentUrl` (in
 * a checkout's answer, a retry's, a channel's message) is our own payment page for the order,
 * with a signed token. The provider's own page is reached from there with the Pay button
 * (`checkoutUrl`), so the buyer always sees the window's countdown and attempts first.
 */
export function withBuyerPage(
  provider: PaymentProvider,
  links: PayLinks,
  clock: Clock,
): PaymentProvider {
  return {
    name: provider.name,
    async createPayment(request) {
      const created = await provider.createPayment(request);
      return {
        providerPaymentId: created.providerPaymentId,
        paymentUrl: links.url(request.tenantId, request.orderId, clock.now()),
      };
    },
    checkoutUrl: (payment) => provider.checkoutUrl?.(payment) ?? null,
  };
}
