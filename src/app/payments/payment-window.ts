import { canRetry, checkRetry, remainingMinutes } from '../../domain/payment/rules.ts';
import type { Payment, PaymentMetadata, PaymentSession } from '../../domain/payment/types.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import type { RequestContext } from '../context.ts';
import { canSeeOrder } from '../orders/queries.ts';
import type { OrderReadRepository } from '../orders/repository.ts';
import type { Clock, IdGenerator } from '../ports.ts';
import type { PaymentProvider, PaymentStore } from './ports.ts';
import { startPayments } from './start-payments.ts';

/**
 * A retry re-reads the session after losing a race to another retry or the sweeper. Each lost
 * race means someone else changed the session, so a handful of rounds settles any real
 * contention; more means the rule check and the SQL guard disagree, which must not spin forever.
 */
export const MAX_RETRY_ROUNDS = 5;

export interface PaymentSessionView {
  sessionId: string;
  orderId: string;
  status: PaymentSession['status'];
  expiresAt: Date;
  remainingMinutes: number;
  paymentAttempts: number;
  maxPaymentAttempts: number;
  canRetry: boolean;
}

export interface RetryOutcome {
  payment: Payment;
  session: PaymentSessionView;
  remainingAttempts: number;
}

export interface PaymentWindow {
  getSession(ctx: RequestContext, orderId: string): Promise<Result<PaymentSessionView>>;
  retryPayment(
    ctx: RequestContext,
    orderId: string,
    metadata?: PaymentMetadata,
  ): Promise<Result<RetryOutcome>>;
}

export function viewSession(session: PaymentSession, now: Date): PaymentSessionView {
  return {
    sessionId: session.id,
    orderId: session.orderId,
    status: session.status,
    expiresAt: session.expiresAt,
    remainingMinutes: remainingMinutes(session, now),
    paymentAttempts: session.paymentAttempts,
    maxPaymentAttempts: session.maxPaymentAttempts,
    canRetry: canRetry(session, now),
  };
}

export function createPaymentWindow(deps: {
  orders: OrderReadRepository;
  payments: PaymentStore;
  provider: PaymentProvider;
  clock: Clock;
  newId: IdGenerator;
}): PaymentWindow {
  /** The order's session, if the caller may see the order (a buyer, their own only). */
  async function loadSession(
    ctx: RequestContext,
    orderId: string,
  ): Promise<Result<PaymentSession>> {
    const order = await deps.orders.findOrder(ctx.tenantId, orderId);
    if (!order || !canSeeOrder(ctx, order)) return fail('ORDER_NOT_FOUND', undefined, { orderId });
    const session = await deps.payments.findSessionByOrder(ctx.tenantId, orderId);
    return session ? ok(session) : fail('PAYMENT_SESSION_NOT_FOUND', undefined, { orderId });
  }

  return {
    async getSession(ctx, orderId) {
      const session = await loadSession(ctx, orderId);
      return session.ok ? ok(viewSession(session.value, deps.clock.now())) : session;
    },

    async retryPayment(ctx, orderId, metadata = {}) {
      if (ctx.role === 'seller')
        return fail('FORBIDDEN', 'Only the buyer or staff may retry a payment.');
      for (let round = 0; round < MAX_RETRY_ROUNDS; round++) {
        const loaded = await loadSession(ctx, orderId);
        if (!loaded.ok) return loaded;
        const now = deps.clock.now();
        const allowed = checkRetry(loaded.value, now);
        if (!allowed.ok) {
          if (allowed.error.code === 'SESSION_EXPIRED') {
            // Close the window now rather than at the next sweep: the stock goes back at once.
            await deps.payments.expireSessions(now, 1, {
              tenantId: ctx.tenantId,
              sessionId: loaded.value.id,
            });
          }
          return allowed;
        }
        const started = await deps.payments.startAttempt({
          tenantId: ctx.tenantId,
          orderId,
          paymentId: deps.newId(),
          provider: deps.provider.name,
          now,
          metadata,
          eventId: deps.newId(),
        });
        // The guard refused: another retry or the sweeper changed the session; check again.
        if (!started) continue;
        const [payment] = await startPayments(deps, [started.payment]);
        if (!payment || payment.status === 'failed') {
          return fail('PAYMENT_PROVIDER_FAILED', payment?.failureReason ?? undefined, { orderId });
        }
        const session = started.session;
        return ok({
          payment,
          session: viewSession(session, now),
          remainingAttempts: session.maxPaymentAttempts - session.paymentAttempts,
        });
      }
      return fail('CONCURRENT_MODIFICATION', undefined, { orderId, rounds: MAX_RETRY_ROUNDS });
    },
  };
}
