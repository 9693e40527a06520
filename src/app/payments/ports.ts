import type { OrderStatus } from '../../domain/order/status.ts';
import type { OutboxEvent } from '../../domain/outbox.ts';
import type { Payment, PaymentMetadata, PaymentSession } from '../../domain/payment/types.ts';

export interface CreatePaymentRequest {
  tenantId: string;
  /** Our id; a real provider gets it as its idempotency key, so a retried call creates nothing twice. */
  paymentId: string;
  orderId: string;
  amountCents: number;
  currency: string;
  attempt: number;
}

/** A payment gateway. The sandbox implements it; a real gateway is another adapter. */
export interface PaymentProvider {
  readonly name: string;
  createPayment(
    request: CreatePaymentRequest,
  ): Promise<{ providerPaymentId: string; paymentUrl: string | null }>;
  /**
   * Where the buyer pays this payment at the provider (the payment page's Pay button); null
   * when the provider cannot say. Absent: the provider's `paymentUrl` is not reachable later.
   */
  checkoutUrl?(payment: {
    tenantId: string;
    paymentId: string;
    providerPaymentId: string | null;
  }): string | null;
}

/** A provider's notification, after its signature was checked. */
export interface PaymentEvent {
  id: string;
  type: 'payment.succeeded' | 'payment.failed';
  tenantId: string;
  paymentId: string;
  failureReason?: string | undefined;
}

export interface OrderPaymentState {
  orderId: string;
  status: OrderStatus;
  session: PaymentSession | null;
}

export interface HeldLine {
  variantId: string;
  quantity: number;
}

/** What applying a provider event needs, inside one transaction. */
export interface PaymentEventTransaction {
  /** Records the event id; false when it was seen before (a replay). */
  recordEvent(event: PaymentEvent, provider: string, now: Date): Promise<boolean>;
  findPayment(tenantId: string, paymentId: string): Promise<Payment | null>;
  lockPayment(tenantId: string, paymentId: string): Promise<Payment | null>;
  setPaymentOutcome(
    payment: Payment,
    outcome: {
      status: 'succeeded' | 'failed';
      failureReason?: string | null;
      late?: boolean;
      requiresRefund?: boolean;
    },
    now: Date,
  ): Promise<void>;
  /** Locks the order's payment session, then the order. */
  lockOrderPaymentState(tenantId: string, orderId: string): Promise<OrderPaymentState | null>;
  /** `from` → completed; false if the session was no longer in `from`. */
  completeSession(
    tenantId: string,
    sessionId: string,
    from: 'active' | 'expired',
    now: Date,
  ): Promise<boolean>;
  /** Guarded status change (only from `from`), with its history row; false when the order was elsewhere. */
  moveOrder(
    tenantId: string,
    orderId: string,
    from: OrderStatus,
    to: OrderStatus,
    now: Date,
  ): Promise<boolean>;
  /** Held reservations become committed: on-hand and reserved both go down. */
  commitHeldStock(tenantId: string, orderId: string, now: Date): Promise<void>;
  /**
   * For an order whose reservation was released: takes its lines from on-hand stock directly if
   * every line is still available (rows locked in variant order), all or nothing.
   */
  commitReleasedStockIfAvailable(tenantId: string, orderId: string, now: Date): Promise<boolean>;
  appendOutbox(events: readonly OutboxEvent[]): Promise<void>;
}

export interface StartAttempt {
  tenantId: string;
  orderId: string;
  paymentId: string;
  provider: string;
  now: Date;
  metadata: PaymentMetadata;
  eventId: string;
}

export interface PaymentStore {
  findSessionByOrder(tenantId: string, orderId: string): Promise<PaymentSession | null>;
  /**
   * Counts one more attempt with a guarded increment (active, window open, attempts left) and
   * records the new payment and a `payment.attempted` event; null when the guard refused.
   */
  startAttempt(
    attempt: StartAttempt,
  ): Promise<{ session: PaymentSession; payment: Payment } | null>;
  recordProviderResult(
    tenantId: string,
    paymentId: string,
    result: { providerPaymentId: string; paymentUrl: string | null } | { failureReason: string },
    now: Date,
  ): Promise<void>;
  findPayment(tenantId: string, paymentId: string): Promise<Payment | null>;
  /** The newest payment of each order. */
  latestPayments(tenantId: string, orderIds: readonly string[]): Promise<Payment[]>;
  paymentEventTransaction<T>(work: (tx: PaymentEventTransaction) => Promise<T>): Promise<T>;
  /**
   * Expires up to `limit` active sessions due at `now` (or exactly `sessionIds`): session
   * expired, order expired if unpaid, reservation released, events written; one transaction.
   */
  expireSessions(
    now: Date,
    limit: number,
    only?: { tenantId: string; sessionId: string },
  ): Promise<number>;
  /** Writes `payment_session.expiring` once for sessions expiring within `withinMinutes`. */
  warnExpiring(now: Date, withinMinutes: number, limit: number): Promise<number>;
}
