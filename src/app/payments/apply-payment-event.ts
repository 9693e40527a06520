import { UNPAID_ORDER_STATUSES } from '../../domain/order/status.ts';
import { paymentEvent } from '../../domain/payment/events.ts';
import type { Clock, IdGenerator } from '../ports.ts';
import type { PaymentEvent, PaymentStore } from './ports.ts';

export type PaymentEventOutcome =
  | 'duplicate'
  | 'unknown_payment'
  | 'already_settled'
  | 'paid'
  | 'failed'
  | 'late_fulfilled'
  | 'late_refund_required';

/**
 * Applies a provider's verified notification, once (a replayed event id changes nothing).
 *
 * A success inside the window pays the order and commits its reserved stock. A success for an
 * order whose window already closed must not resurrect a released reservation silently: if the
 * order expired and every line is still in stock, the stock is taken again and the order is
 * paid; otherwise (stock gone, or the order was cancelled) the payment is flagged for refund.
 * Both cases emit `payment.late`.
 */
export async function applyPaymentEvent(
  deps: { payments: PaymentStore; clock: Clock; newId: IdGenerator; provider: string },
  event: PaymentEvent,
): Promise<PaymentEventOutcome> {
  const now = deps.clock.now();
  return deps.payments.paymentEventTransaction(async (tx) => {
    if (!(await tx.recordEvent(event, deps.provider, now))) return 'duplicate';
    const found = await tx.findPayment(event.tenantId, event.paymentId);
    if (!found) return 'unknown_payment';
    // Rows are locked in one order by every writer (session, order, payment, stock): no deadlocks.
    const state = await tx.lockOrderPaymentState(found.tenantId, found.orderId);
    if (!state) return 'unknown_payment';
    const payment = await tx.lockPayment(found.tenantId, found.id);
    if (!payment) return 'unknown_payment';
    if (payment.status === 'succeeded' || payment.status === 'failed') return 'already_settled';
    const emit = (type: string, extra: Record<string, unknown>) =>
      paymentEvent(deps.newId(), payment, type, now, extra);

    if (event.type === 'payment.failed') {
      const reason = event.failureReason ?? 'declined';
      await tx.setPaymentOutcome(payment, { status: 'failed', failureReason: reason }, now);
      await tx.appendOutbox([emit('payment.failed', { reason })]);
      return 'failed';
    }

    const sessionOpen =
      state.session?.status === 'active' && UNPAID_ORDER_STATUSES.includes(state.status);
    if (sessionOpen && state.session) {
      await tx.completeSession(payment.tenantId, state.session.id, 'active', now);
      await tx.moveOrder(payment.tenantId, payment.orderId, state.status, 'paid', now);
      await tx.commitHeldStock(payment.tenantId, payment.orderId, now);
      await tx.setPaymentOutcome(payment, { status: 'succeeded' }, now);
      await tx.appendOutbox([
        emit('payment.succeeded', {}),
        emit('order.status_changed', {
          from: state.status,
          to: 'paid',
          reason: 'payment.succeeded',
        }),
      ]);
      return 'paid';
    }

    if (
      state.status === 'expired' &&
      (await tx.commitReleasedStockIfAvailable(payment.tenantId, payment.orderId, now))
    ) {
      await tx.moveOrder(payment.tenantId, payment.orderId, 'expired', 'paid', now);
      if (state.session)
        await tx.completeSession(payment.tenantId, state.session.id, 'expired', now);
      await tx.setPaymentOutcome(payment, { status: 'succeeded', late: true }, now);
      await tx.appendOutbox([
        emit('payment.late', { resolution: 'fulfilled', orderStatus: 'paid' }),
        emit('payment.succeeded', { late: true }),
        emit('order.status_changed', {
          from: 'expired',
          to: 'paid',
          reason: 'payment.late',
        }),
      ]);
      return 'late_fulfilled';
    }
    await tx.setPaymentOutcome(
      payment,
      { status: 'succeeded', late: true, requiresRefund: true },
      now,
    );
    await tx.appendOutbox([
      emit('payment.late', { resolution: 'refund_required', orderStatus: state.status }),
    ]);
    return 'late_refund_required';
  });
}
