import type { StatusChange } from '../../domain/order/history.ts';
import type { OrderStatus } from '../../domain/order/status.ts';
import type { Order } from '../../domain/order/types.ts';
import type { OutboxEvent } from '../../domain/outbox.ts';
import type { Adjustment, Totals } from '../../domain/pricing/totals.ts';
import type { Result } from '../../domain/result.ts';

/** What changing an order needs, inside one transaction that holds the order's row lock. */
export interface OrderChangeTransaction {
  lockOrder(tenantId: string, orderId: string): Promise<Order | null>;
  /** Guarded: only if the order is still in `from`; false otherwise. */
  setStatus(
    tenantId: string,
    orderId: string,
    from: OrderStatus,
    to: OrderStatus,
    now: Date,
  ): Promise<boolean>;
  appendHistory(tenantId: string, change: StatusChange): Promise<void>;
  appendOutbox(events: readonly OutboxEvent[]): Promise<void>;
  /** Held reservations are released: reserved goes down. */
  releaseHeldStock(tenantId: string, orderId: string, now: Date): Promise<void>;
  /** Held reservations are committed: on-hand and reserved go down. */
  commitHeldStock(tenantId: string, orderId: string, now: Date): Promise<void>;
  /** Ends the order's payment session if it is still active. */
  endPaymentSession(
    tenantId: string,
    orderId: string,
    status: 'cancelled' | 'completed' | 'expired',
    now: Date,
  ): Promise<void>;
  /** Puts committed quantities back on hand. */
  restock(
    tenantId: string,
    lines: readonly { variantId: string; quantity: number }[],
    now: Date,
  ): Promise<void>;
  replaceAdjustments(
    tenantId: string,
    orderId: string,
    adjustments: readonly Adjustment[],
    totals: Totals,
    now: Date,
  ): Promise<void>;
  /** Payments not yet settled are for the new amount. */
  repricePendingPayments(
    tenantId: string,
    orderId: string,
    amountCents: number,
    now: Date,
  ): Promise<void>;
}

export interface OrderChangeStore {
  transaction<T>(work: (tx: OrderChangeTransaction) => Promise<Result<T>>): Promise<Result<T>>;
  listHistory(tenantId: string, orderId: string): Promise<StatusChange[]>;
}
