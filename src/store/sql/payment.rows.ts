import type { Insertable, Selectable } from 'kysely';
import type { Payment, PaymentSession } from '../../domain/payment/types.ts';
import type { PaymentSessionsTable, PaymentsTable } from './tables.ts';

export function toPaymentSession(row: Selectable<PaymentSessionsTable>): PaymentSession {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    orderId: row.order_id,
    status: row.status,
    durationMinutes: row.duration_minutes,
    startedAt: row.started_at,
    expiresAt: row.expires_at,
    paymentAttempts: row.payment_attempts,
    maxPaymentAttempts: row.max_payment_attempts,
    lastPaymentAttemptAt: row.last_payment_attempt_at,
    metadata: row.metadata,
  };
}

export function toPayment(row: Selectable<PaymentsTable>): Payment {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    orderId: row.order_id,
    paymentSessionId: row.payment_session_id,
    attempt: row.attempt,
    provider: row.provider,
    providerPaymentId: row.provider_payment_id,
    status: row.status,
    amountCents: row.amount_cents,
    currency: row.currency,
    paymentUrl: row.payment_url,
    failureReason: row.failure_reason,
    createdAt: row.created_at,
  };
}

export function paymentSessionRow(session: PaymentSession): Insertable<PaymentSessionsTable> {
  return {
    tenant_id: session.tenantId,
    id: session.id,
    order_id: session.orderId,
    status: session.status,
    duration_minutes: session.durationMinutes,
    started_at: session.startedAt,
    expires_at: session.expiresAt,
    payment_attempts: session.paymentAttempts,
    max_payment_attempts: session.maxPaymentAttempts,
    last_payment_attempt_at: session.lastPaymentAttemptAt,
    metadata: JSON.stringify(session.metadata),
    created_at: session.startedAt,
    updated_at: session.startedAt,
  };
}

export function paymentRow(payment: Payment): Insertable<PaymentsTable> {
  return {
    tenant_id: payment.tenantId,
    id: payment.id,
    order_id: payment.orderId,
    payment_session_id: payment.paymentSessionId,
    attempt: payment.attempt,
    provider: payment.provider,
    provider_payment_id: payment.providerPaymentId,
    status: payment.status,
    amount_cents: payment.amountCents,
    currency: payment.currency,
    payment_url: payment.paymentUrl,
    failure_reason: payment.failureReason,
    created_at: payment.createdAt,
    updated_at: payment.createdAt,
  };
}
