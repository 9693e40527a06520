import type { OrderStatus } from './status.ts';

/** One row of an order's status history. */
export interface StatusChange {
  id: string;
  orderId: string;
  from: OrderStatus | null;
  to: OrderStatus;
  /** `user`, `seller`, `admin`, `internal` (a service) or `system` (a worker, a webhook). */
  actorType: string;
  actorId: string;
  reason: string | null;
  at: Date;
}
