import type { OutboxEvent } from '../outbox.ts';
import type { Payment } from './types.ts';

/** A payment event (`payment.attempted`, `.succeeded`, `.failed`, `.late`); its aggregate is the order. */
export function paymentEvent(
  id: string,
  payment: Payment,
  type: string,
  at: Date,
  extra: Record<string, unknown> = {},
): OutboxEvent {
  return {
    id,
    tenantId: payment.tenantId,
    aggregateType: 'order',
    aggregateId: payment.orderId,
    type,
    payload: {
      orderId: payment.orderId,
      paymentId: payment.id,
      attempt: payment.attempt,
      amountCents: payment.amountCents,
      currency: payment.currency,
      ...extra,
    },
    createdAt: at,
  };
}
