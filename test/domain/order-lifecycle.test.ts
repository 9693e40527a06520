import { describe, expect, it } from 'vitest';
import {
  ORDER_STATUSES,
  type OrderStatus,
  orderLifecycle,
  UNPAID_ORDER_STATUSES,
} from '../../src/domain/order/status.ts';
import { defineLifecycle } from '../../src/domain/state-machine.ts';

/** The README's "Order lifecycle" table, written out: every pair not listed must be refused. */
const EXPECTED: Record<OrderStatus, OrderStatus[]> = {
  pending: ['awaiting_payment', 'cancelled', 'expired'],
  awaiting_payment: ['paid', 'cancelled', 'expired'],
  paid: ['processing', 'requested_refund'],
  processing: ['shipped', 'requested_refund'],
  shipped: ['delivered'],
  delivered: ['completed', 'requested_refund'],
  completed: ['requested_refund'],
  requested_refund: ['refunded'],
  expired: ['paid'],
  cancelled: [],
  refunded: [],
};

const PAIRS = ORDER_STATUSES.flatMap((from) =>
  ORDER_STATUSES.map((to) => ({ from, to, allowed: EXPECTED[from].includes(to) })),
);

describe('order lifecycle table', () => {
  it('knows exactly the eleven statuses of the README', () => {
    expect([...ORDER_STATUSES].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect([...orderLifecycle.states].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('declares, per status, exactly the targets of the README table', () => {
    for (const from of ORDER_STATUSES) {
      expect([...orderLifecycle.table[from]].sort(), from).toEqual([...EXPECTED[from]].sort());
    }
  });

  it.each(PAIRS.filter((p) => p.allowed))('allows $from → $to', ({ from, to }) => {
    expect(orderLifecycle.check(from, to)).toEqual({ ok: true, value: to });
  });

  it.each(PAIRS.filter((p) => !p.allowed))(
    'refuses $from → $to with INVALID_TRANSITION and the allowed targets',
    ({ from, to }) => {
      const result = orderLifecycle.check(from, to);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('INVALID_TRANSITION');
      expect(result.error.details).toMatchObject({ from, to });
      expect([...((result.error.details?.allowedTargets ?? []) as OrderStatus[])].sort()).toEqual(
        [...EXPECTED[from]].sort(),
      );
    },
  );

  it('refuses every status moving to itself', () => {
    for (const status of ORDER_STATUSES) {
      expect(orderLifecycle.check(status, status).ok, status).toBe(false);
    }
  });

  it('says in words which move was refused', () => {
    expect(orderLifecycle.check('shipped', 'cancelled')).toEqual({
      ok: false,
      error: {
        code: 'INVALID_TRANSITION',
        message: 'Cannot move from shipped to cancelled.',
        details: {
          machine: 'order',
          from: 'shipped',
          to: 'cancelled',
          allowedTargets: ['delivered'],
        },
      },
    });
  });

  it('rejects a table whose move targets an unknown status when it loads', () => {
    expect(() =>
      defineLifecycle<'a' | 'b'>('broken', {
        a: ['b'],
        b: ['a', 'c' as 'a'],
      }),
    ).toThrow(new Error('broken: b -> c targets an unknown state'));
  });

  it('has exactly 16 allowed moves out of 121 pairs', () => {
    expect(PAIRS.filter((p) => orderLifecycle.check(p.from, p.to).ok)).toHaveLength(16);
  });
});

describe('sourcesOf: the guard of a conditional update', () => {
  const expectedSources = (to: OrderStatus) =>
    ORDER_STATUSES.filter((from) => EXPECTED[from].includes(to)).sort();

  it.each([...ORDER_STATUSES])('lists every status that may move to %s', (to) => {
    expect([...orderLifecycle.sourcesOf(to)].sort()).toEqual(expectedSources(to));
  });

  it('names the statuses a refund may be requested from, and paid from', () => {
    expect([...orderLifecycle.sourcesOf('requested_refund')].sort()).toEqual([
      'completed',
      'delivered',
      'paid',
      'processing',
    ]);
    expect([...orderLifecycle.sourcesOf('paid')].sort()).toEqual(['awaiting_payment', 'expired']);
    expect(orderLifecycle.sourcesOf('pending')).toEqual([]);
  });
});

describe('terminal and unpaid statuses', () => {
  it('has cancelled and refunded as its only terminal statuses', () => {
    const terminal = ORDER_STATUSES.filter((s) => orderLifecycle.isTerminal(s));
    expect(terminal.sort()).toEqual(['cancelled', 'refunded']);
  });

  it('does not treat expired as terminal: a late payment may still revive the order', () => {
    expect(orderLifecycle.isTerminal('expired')).toBe(false);
  });

  it('holds stock unpaid only while pending or awaiting payment, the statuses that may cancel', () => {
    expect([...UNPAID_ORDER_STATUSES].sort()).toEqual(['awaiting_payment', 'pending']);
    expect([...orderLifecycle.sourcesOf('cancelled')].sort()).toEqual(
      [...UNPAID_ORDER_STATUSES].sort(),
    );
  });
});
