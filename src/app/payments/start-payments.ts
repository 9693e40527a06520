import type { Payment } from '../../domain/payment/types.ts';
import type { Clock } from '../ports.ts';
import type { PaymentProvider, PaymentStore } from './ports.ts';

/**
 * Asks the provider for the payments recorded as `created` (after their transaction committed,
 * so that no database lock is held during a provider call) and returns each order's newest
 * payment. A provider failure marks that payment failed; the buyer may retry.
 */
export async function startCreatedPayments(
  deps: { payments: PaymentStore; provider: PaymentProvider; clock: Clock },
  tenantId: string,
  orderIds: readonly string[],
): Promise<Payment[]> {
  const latest = await deps.payments.latestPayments(tenantId, orderIds);
  const created = latest.filter((payment) => payment.status === 'created');
  if (created.length === 0) return latest;
  await Promise.all(
    created.map(async (payment) => {
      let result: { providerPaymentId: string; paymentUrl: string } | { failureReason: string };
      try {
        result = await deps.provider.createPayment({
          tenantId,
          paymentId: payment.id,
          orderId: payment.orderId,
          amountCents: payment.amountCents,
          currency: payment.currency,
          attempt: payment.attempt,
        });
      } catch (err) {
        result = {
          failureReason:
            `provider_error: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500),
        };
      }
      await deps.payments.recordProviderResult(tenantId, payment.id, result, deps.clock.now());
    }),
  );
  return deps.payments.latestPayments(tenantId, orderIds);
}
