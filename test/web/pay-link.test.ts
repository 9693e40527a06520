import { describe, expect, it } from 'vitest';
import { createPayLinks } from '../../src/app/payments/pay-link.ts';
import { buyerPaymentState } from '../../src/domain/payment/buyer-state.ts';
import type { Payment, PaymentSession } from '../../src/domain/payment/types.ts';
import { pickLocale } from '../../src/web/i18n.ts';

const NOW = new Date('2026-01-15T12:00:00.000Z');
const ORDER = '01930000-0000-7000-8000-0000000000aa';
const OTHER = '01930000-0000-7000-8000-0000000000bb';
const links = createPayLinks({ secret: 's'.repeat(32), baseUrl: 'https://shop.test', ttlHours: 2 });

describe('payment page links', () => {
  it('grants the tenant of a link made for this order, until it expires', () => {
    const url = links.url('acme', ORDER, NOW);
    expect(url).toMatch(
      /^https:\/\/shop\.test\/pay\/01930000-0000-7000-8000-0000000000aa\?t=acme\./,
    );
    const token = new URL(url).searchParams.get('t') ?? '';
    expect(links.verify(token, ORDER, NOW)).toEqual({ tenantId: 'acme' });
    expect(
      links.verify(token, ORDER, new Date(NOW.getTime() + 2 * 3600_000 - 1000)),
    ).not.toBeNull();
    expect(links.verify(token, ORDER, new Date(NOW.getTime() + 2 * 3600_000))).toBeNull();
  });

  it('refuses a token moved to another order, tenant or expiry, or made with another secret', () => {
    const token = links.token('acme', ORDER, NOW);
    const [tenant, expires, mac] = token.split('.');
    const foreign = createPayLinks({ secret: 'x'.repeat(32), baseUrl: '', ttlHours: 2 });
    for (const [what, given, order] of [
      ['other order', token, OTHER],
      ['other tenant', `other.${expires}.${mac}`, ORDER],
      ['later expiry', `${tenant}.${Number(expires) + 3600}.${mac}`, ORDER],
      ['other secret', foreign.token('acme', ORDER, NOW), ORDER],
      ['truncated', token.slice(0, -1), ORDER],
      ['empty', '', ORDER],
      ['garbage', 'acme.1.!!!', ORDER],
    ] as const) {
      expect(links.verify(given, order, NOW), what).toBeNull();
    }
  });
});

describe('the payment page state', () => {
  const session = (patch: Partial<PaymentSession> = {}): PaymentSession => ({
    id: 's',
    tenantId: 't',
    orderId: ORDER,
    status: 'active',
    durationMinutes: 15,
    startedAt: NOW,
    expiresAt: new Date(NOW.getTime() + 60_000),
    paymentAttempts: 1,
    maxPaymentAttempts: 3,
    lastPaymentAttemptAt: NOW,
    metadata: {},
    ...patch,
  });
  const failed = { status: 'failed' } as Payment;
  const pending = { status: 'pending' } as Payment;

  it('is paid, cancelled, expired, attempts used up, failed or awaiting, in that order', () => {
    const later = new Date(NOW.getTime() + 61_000);
    expect(buyerPaymentState('paid', session({ status: 'completed' }), pending, NOW)).toBe('paid');
    expect(buyerPaymentState('shipped', null, null, later)).toBe('paid');
    expect(buyerPaymentState('cancelled', session({ status: 'cancelled' }), pending, NOW)).toBe(
      'cancelled',
    );
    expect(buyerPaymentState('awaiting_payment', session(), pending, later)).toBe('expired');
    expect(buyerPaymentState('expired', session({ status: 'expired' }), failed, NOW)).toBe(
      'expired',
    );
    expect(
      buyerPaymentState('awaiting_payment', session({ paymentAttempts: 3 }), failed, NOW),
    ).toBe('attempts_used_up');
    expect(buyerPaymentState('awaiting_payment', session(), failed, NOW)).toBe('failed');
    expect(buyerPaymentState('awaiting_payment', session(), pending, NOW)).toBe('awaiting');
  });
});

describe('Accept-Language', () => {
  it('picks Vietnamese or English by preference, English otherwise', () => {
    expect(pickLocale(undefined)).toBe('en');
    expect(pickLocale('vi')).toBe('vi');
    expect(pickLocale('vi-VN,vi;q=0.9,en;q=0.8')).toBe('vi');
    expect(pickLocale('fr-FR, en;q=0.5, vi;q=0.7')).toBe('vi');
    expect(pickLocale('en-US,vi;q=0.9')).toBe('en');
    expect(pickLocale('de, vi;q=0')).toBe('en');
    expect(pickLocale('*')).toBe('en');
  });
});
