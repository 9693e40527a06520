import type { Order } from '../order/types.ts';
import type { Payment, PaymentMetadata, PaymentSession } from './types.ts';

/** The payment session of a newly placed order and its first attempt, not yet sent to the provider. */
export function openPaymentWindow(
  order: Order,
  options: {
    sessionId: string;
    paymentId: string;
    minutes: number;
    maxAttempts: number;
    provider: string;
    metadata: PaymentMetadata;
    now: Date;
  },
): { session: PaymentSession; payment: Payment } {
  const { now } = options;
  return {
    session: {
      id: options.sessionId,
      tenantId: order.tenantId,
      orderId: order.id,
      status: 'active',
      durationMinutes: options.minutes,
      startedAt: now,
      expiresAt: new Date(now.getTime() + options.minutes * 60_000),
      paymentAttempts: 1,
      maxPaymentAttempts: options.maxAttempts,
      lastPaymentAttemptAt: now,
      metadata: options.metadata,
    },
    payment: {
      id: options.paymentId,
      tenantId: order.tenantId,
      orderId: order.id,
      paymentSessionId: options.sessionId,
      attempt: 1,
      provider: options.provider,
      providerPaymentId: null,
      status: 'created',
      amountCents: order.totals.totalCents,
      currency: order.currency,
      paymentUrl: null,
      failureReason: null,
      createdAt: now,
    },
  };
}
