import type { Payment } from '../../domain/payment/types.ts';
import type { Coupon } from '../../domain/pricing/coupon.ts';

/** An outbox row as an operator sees it: where it is in its delivery. */
export interface OutboxEntry {
  id: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  createdAt: Date;
  publishedAt: Date | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  parkedAt: Date | null;
}

/** What the operator console reads beyond the API's queries; every call is per tenant. */
export interface OperatorStore {
  /** Every attempt of the order, first to last. */
  paymentsOfOrder(tenantId: string, orderId: string): Promise<Payment[]>;
  /** The order's outbox events (and its payment session's), oldest first. */
  eventsOfOrder(tenantId: string, orderId: string, limit: number): Promise<OutboxEntry[]>;
  /** Parked events, oldest first. */
  parkedEvents(tenantId: string, limit: number): Promise<OutboxEntry[]>;
  /** Puts one parked event back in line; false when it was not parked. */
  unparkEvent(tenantId: string, id: string, now: Date): Promise<boolean>;
  listCoupons(tenantId: string, limit: number): Promise<Coupon[]>;
}
