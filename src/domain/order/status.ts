import { defineLifecycle } from '../state-machine.ts';

export const ORDER_STATUSES = [
  'pending',
  'awaiting_payment',
  'paid',
  'processing',
  'shipped',
  'delivered',
  'completed',
  'cancelled',
  'expired',
  'requested_refund',
  'refunded',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * The order lifecycle. An order is placed `pending`, waits for payment, and moves forward one
 * step at a time; it can be cancelled or expire only before payment, and a refund can be asked
 * for once it is paid. The README shows this table; keep the two in step.
 */
export const orderLifecycle = defineLifecycle<OrderStatus>('order', {
  pending: ['awaiting_payment', 'cancelled', 'expired'],
  awaiting_payment: ['paid', 'cancelled', 'expired'],
  paid: ['processing', 'requested_refund'],
  processing: ['shipped', 'requested_refund'],
  shipped: ['delivered'],
  delivered: ['completed', 'requested_refund'],
  completed: ['requested_refund'],
  requested_refund: ['refunded'],
  cancelled: [],
  // Only a late payment whose stock can still be taken again revives an expired order.
  expired: ['paid'],
  refunded: [],
});

/** Statuses in which the order's stock is reserved but not yet committed. */
export const UNPAID_ORDER_STATUSES: readonly OrderStatus[] = ['pending', 'awaiting_payment'];
