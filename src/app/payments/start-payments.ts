import type { Payment } from '../../domain/payment/types.ts';
import type { Clock } from '../ports.ts';
import type { PaymentProvider, PaymentStore } from './ports.ts';

/**
 * Asks the provider for these payments if they are still only `created` (called after their
 * transaction committed, so that no database lock is held while the provider answers), and
 * returns them as they now are. A provider failure marks that payment failed; the buyer may retry.
 */
export async function startPayments(
  deps: { payments: PaymentStore; provider: PaymentProvider; clock: Clock },
  payments: readonly Payment[],
): Promise<Payment[]> {
  return Promise.all(
    payments.map(async (payment) => {
      if (payment.status !== 'created') return payment;
      let result:
        | { providerPaymentId: string; paymentUrl: string | null }
        | { failureReason: string };
      try {
        result = await deps.provider.createPayment({
          tenantId: payment.tenantId,
          paymentId: payment.id,
          orderId: payment.orderId,
          amountCents: payment.amountCents,
          currency: payment.currency,
          attempt: payment.attempt,
        });
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        result = { failureReason: `provider_error: ${reason}`.slice(0, 500) };
      }
      await deps.payments.recordProviderResult(
        payment.tenantId,
        payment.id,
        result,
        deps.clock.now(),
      );
      return (await deps.payments.findPayment(payment.tenantId, payment.id)) ?? payment;
    }),
  );
}
