import { describe, expect, it } from 'vitest';
import {
  canRetry,
  checkRetry,
  isWindowOpen,
  type PaymentWindowSettings,
  remainingMinutes,
  windowMinutes,
} from '../../src/domain/payment/rules.ts';
import type { PaymentSession, PaymentSessionStatus } from '../../src/domain/payment/types.ts';

const EXPIRES = new Date('2026-03-01T12:00:00.000Z');
const at = (msBeforeExpiry: number) => new Date(EXPIRES.getTime() - msBeforeExpiry);

function session(over: Partial<PaymentSession> = {}): PaymentSession {
  return {
    id: 'ps-1',
    tenantId: 't',
    orderId: 'o-1',
    status: 'active',
    durationMinutes: 30,
    startedAt: new Date(EXPIRES.getTime() - 30 * 60_000),
    expiresAt: EXPIRES,
    paymentAttempts: 1,
    maxPaymentAttempts: 3,
    lastPaymentAttemptAt: null,
    metadata: {},
    ...over,
  };
}

const CLOSED: PaymentSessionStatus[] = ['expired', 'completed', 'cancelled'];

describe('isWindowOpen', () => {
  it('is open while active and before the expiry, to the millisecond', () => {
    expect(isWindowOpen(session(), at(1))).toBe(true);
    expect(isWindowOpen(session(), at(0))).toBe(false);
    expect(isWindowOpen(session(), at(-1))).toBe(false);
  });

  it.each(CLOSED)('is closed when the session is %s, whatever the time', (status) => {
    expect(isWindowOpen(session({ status }), at(60_000))).toBe(false);
  });
});

describe('remainingMinutes', () => {
  it.each([
    [30 * 60_000, 30],
    [60_001, 2],
    [60_000, 1],
    [30_000, 1],
    [1, 1],
    [0, 0],
    [-120_000, 0],
  ])('with %d ms left says %d', (left, minutes) => {
    expect(remainingMinutes(session(), at(left))).toBe(minutes);
  });

  it.each(CLOSED)('says 0 for a %s session', (status) => {
    expect(remainingMinutes(session({ status }), at(10 * 60_000))).toBe(0);
  });
});

describe('canRetry and checkRetry', () => {
  it('allows a retry while the window is open and an attempt is left', () => {
    const s = session({ paymentAttempts: 2, maxPaymentAttempts: 3 });
    expect(canRetry(s, at(1))).toBe(true);
    expect(checkRetry(s, at(1))).toEqual({ ok: true, value: true });
  });

  it('refuses a session that is no longer active, first', () => {
    const s = session({ status: 'completed', paymentAttempts: 3 });
    expect(canRetry(s, at(-1))).toBe(false);
    expect(checkRetry(s, at(-1))).toEqual({
      ok: false,
      error: {
        code: 'SESSION_NOT_ACTIVE',
        message: 'The payment session is completed.',
        details: { status: 'completed' },
      },
    });
  });

  it('refuses once the window has closed, at its last millisecond too', () => {
    const s = session({ paymentAttempts: 3 });
    const closed = {
      ok: false,
      error: {
        code: 'SESSION_EXPIRED',
        message: 'The payment window has closed.',
        details: { expiresAt: '2026-03-01T12:00:00.000Z' },
      },
    };
    expect(canRetry(session(), at(0))).toBe(false);
    expect(checkRetry(s, at(0))).toEqual(closed);
    expect(checkRetry(s, at(-1))).toEqual(closed);
  });

  it('refuses when every attempt is used', () => {
    const s = session({ paymentAttempts: 3, maxPaymentAttempts: 3 });
    expect(canRetry(s, at(60_000))).toBe(false);
    expect(checkRetry(s, at(60_000))).toEqual({
      ok: false,
      error: {
        code: 'MAX_ATTEMPTS_REACHED',
        message: 'All 3 payment attempts are used.',
        details: { maxPaymentAttempts: 3 },
      },
    });
    expect(checkRetry(session({ paymentAttempts: 4 }), at(60_000)).ok).toBe(false);
  });
});

describe('windowMinutes', () => {
  const settings: PaymentWindowSettings = {
    defaultMinutes: 30,
    minMinutes: 5,
    maxMinutes: 120,
    maxAttempts: 3,
  };
  const refusal = {
    ok: false,
    error: {
      code: 'VALIDATION_FAILED',
      message: 'paymentWindowMinutes: from 5 to 120.',
      details: { field: 'paymentWindowMinutes', min: 5, max: 120 },
    },
  };

  it('takes the default when the caller names none', () => {
    expect(windowMinutes(undefined, settings)).toEqual({ ok: true, value: 30 });
  });

  it.each([5, 6, 119, 120])('accepts %d minutes, within the bounds', (minutes) => {
    expect(windowMinutes(minutes, settings)).toEqual({ ok: true, value: minutes });
  });

  it.each([4, 121, 0])('refuses %d minutes with the bounds', (minutes) => {
    expect(windowMinutes(minutes, settings)).toEqual(refusal);
  });
});
