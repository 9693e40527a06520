import { fail, ok, type Result } from '../result.ts';
import type { PaymentSession } from './types.ts';

export interface PaymentWindowSettings {
  defaultMinutes: number;
  minMinutes: number;
  maxMinutes: number;
  maxAttempts: number;
}

export function isWindowOpen(session: PaymentSession, now: Date): boolean {
  return session.status === 'active' && now.getTime() < session.expiresAt.getTime();
}

/** Whole minutes left, rounded up: 30 seconds left is "1 minute", none left is 0. */
export function remainingMinutes(session: PaymentSession, now: Date): number {
  if (session.status !== 'active') return 0;
  return Math.max(0, Math.ceil((session.expiresAt.getTime() - now.getTime()) / 60_000));
}

export function canRetry(session: PaymentSession, now: Date): boolean {
  return isWindowOpen(session, now) && session.paymentAttempts < session.maxPaymentAttempts;
}

/**
 * Whether a new payment attempt may start, checked in this order, each with its code: the
 * session is active, its window has not closed, an attempt is left. (That a session exists at
 * all is the caller's first check.) The guarded increment in the store repeats the same
 * conditions, so concurrent retries cannot overshoot.
 */
export function checkRetry(session: PaymentSession, now: Date): Result<true> {
  if (session.status !== 'active') {
    return fail('SESSION_NOT_ACTIVE', `The payment session is ${session.status}.`, {
      status: session.status,
    });
  }
  if (now.getTime() >= session.expiresAt.getTime()) {
    return fail('SESSION_EXPIRED', 'The payment window has closed.', {
      expiresAt: session.expiresAt.toISOString(),
    });
  }
  if (session.paymentAttempts >= session.maxPaymentAttempts) {
    return fail(
      'MAX_ATTEMPTS_REACHED',
      `All ${session.maxPaymentAttempts} payment attempts are used.`,
      {
        maxPaymentAttempts: session.maxPaymentAttempts,
      },
    );
  }
  return ok(true);
}

/** The window of one order: the default, or the caller's choice within the configured bounds. */
export function windowMinutes(
  requested: number | undefined,
  settings: PaymentWindowSettings,
): Result<number> {
  if (requested === undefined) return ok(settings.defaultMinutes);
  if (requested < settings.minMinutes || requested > settings.maxMinutes) {
    return fail(
      'VALIDATION_FAILED',
      `paymentWindowMinutes: from ${settings.minMinutes} to ${settings.maxMinutes}.`,
      { field: 'paymentWindowMinutes', min: settings.minMinutes, max: settings.maxMinutes },
    );
  }
  return ok(requested);
}
