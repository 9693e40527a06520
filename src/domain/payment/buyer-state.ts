import type { OrderStatus } from '../order/status.ts';
import { isWindowOpen } from './rules.ts';
import type { Payment, PaymentSession } from './types.ts';

/**
 * What the buyer's payment page shows, one state each with its own message:
 * `awaiting` (pay now), `failed` (the last attempt failed, a retry is possible),
 * `attempts_used_up`, `expired` (create a new order), `paid` (a receipt), `cancelled`.
 */
export type BuyerPaymentState =
  | 'awaiting'
  | 'failed'
  | 'attempts_used_up'
  | 'expired'
  | 'paid'
  | 'cancelled';

const PAID_OR_LATER: readonly OrderStatus[] = [
  'paid',
  'processing',
  'shipped',
  'delivered',
  'completed',
  'requested_refund',
  'refunded',
];

/**
 * The one rule for the page's state, checked in this order: the order was paid (whatever the
 * window says), cancelled, then the window closed (by the worker or by the clock, before the
 * worker ran), then the latest attempt's outcome.
 */
export function buyerPaymentState(
  orderStatus: OrderStatus,
  session: PaymentSession | null,
  latest: Payment | null,
  now: Date,
): BuyerPaymentState {
  if (PAID_OR_LATER.includes(orderStatus)) return 'paid';
  if (orderStatus === 'cancelled' || session?.status === 'cancelled') return 'cancelled';
  if (orderStatus === 'expired' || !session || !isWindowOpen(session, now)) return 'expired';
  if (latest?.status === 'failed') {
    return session.paymentAttempts < session.maxPaymentAttempts ? 'failed' : 'attempts_used_up';
  }
  return 'awaiting';
}
