export const PAYMENT_SESSION_STATUSES = ['active', 'expired', 'completed', 'cancelled'] as const;
export type PaymentSessionStatus = (typeof PAYMENT_SESSION_STATUSES)[number];

/** The window in which an order awaiting payment may be paid, with a bounded number of tries. */
export interface PaymentSession {
  id: string;
  tenantId: string;
  orderId: string;
  status: PaymentSessionStatus;
  durationMinutes: number;
  startedAt: Date;
  expiresAt: Date;
  paymentAttempts: number;
  maxPaymentAttempts: number;
  lastPaymentAttemptAt: Date | null;
  metadata: PaymentMetadata;
}

export interface PaymentMetadata {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

export type PaymentStatus = 'created' | 'pending' | 'succeeded' | 'failed';

/** One attempt to pay an order, as the provider knows it. */
export interface Payment {
  id: string;
  tenantId: string;
  orderId: string;
  paymentSessionId: string;
  attempt: number;
  provider: string;
  providerPaymentId: string | null;
  status: PaymentStatus;
  amountCents: number;
  currency: string;
  paymentUrl: string | null;
  failureReason: string | null;
  createdAt: Date;
}
