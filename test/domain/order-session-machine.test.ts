import { describe, expect, it } from 'vitest';
import {
  OPEN_ORDER_SESSION_STATES,
  ORDER_SESSION_STATES,
  type OrderSessionAction,
  type OrderSessionState,
  orderSessionMachine,
} from '../../src/domain/order-session/machine.ts';
import { defineStateMachine } from '../../src/domain/state-machine.ts';

const ACTIONS: OrderSessionAction[] = [
  'ADD_ITEM',
  'REMOVE_ITEM',
  'REMOVE_LAST_ITEM',
  'SET_SHIPPING',
  'SET_PAYMENT_METHOD',
  'SUBMIT',
  'CANCEL',
  'EXPIRE',
];

/** The README's table, written out: every pair not listed must be refused. */
const EXPECTED: Record<
  OrderSessionState,
  Partial<Record<OrderSessionAction, OrderSessionState>>
> = {
  COLLECTING_ITEMS: { ADD_ITEM: 'COLLECTING_SHIPPING', CANCEL: 'CANCELLED', EXPIRE: 'EXPIRED' },
  COLLECTING_SHIPPING: {
    ADD_ITEM: 'COLLECTING_SHIPPING',
    REMOVE_ITEM: 'COLLECTING_SHIPPING',
    REMOVE_LAST_ITEM: 'COLLECTING_ITEMS',
    SET_SHIPPING: 'SELECTING_PAYMENT',
    CANCEL: 'CANCELLED',
    EXPIRE: 'EXPIRED',
  },
  SELECTING_PAYMENT: {
    SET_SHIPPING: 'SELECTING_PAYMENT',
    SET_PAYMENT_METHOD: 'READY_TO_SUBMIT',
    CANCEL: 'CANCELLED',
    EXPIRE: 'EXPIRED',
  },
  READY_TO_SUBMIT: {
    SET_SHIPPING: 'READY_TO_SUBMIT',
    SET_PAYMENT_METHOD: 'READY_TO_SUBMIT',
    SUBMIT: 'SUBMITTED',
    CANCEL: 'CANCELLED',
    EXPIRE: 'EXPIRED',
  },
  SUBMITTED: {},
  CANCELLED: {},
  EXPIRED: {},
};

describe('order session transition table', () => {
  for (const from of ORDER_SESSION_STATES) {
    for (const action of ACTIONS) {
      const to = EXPECTED[from][action];
      it(`${from} --${action}--> ${to ?? 'refused'}`, () => {
        const result = orderSessionMachine.next(from, action);
        if (to) {
          expect(result).toEqual({ ok: true, value: to });
        } else {
          expect(result.ok).toBe(false);
          if (!result.ok) {
            expect(result.error.code).toBe('INVALID_TRANSITION');
            expect(result.error.details).toMatchObject({ from, action });
            expect(result.error.details?.allowedActions).toEqual(Object.keys(EXPECTED[from]));
          }
        }
      });
    }
  }

  it('treats exactly SUBMITTED, CANCELLED and EXPIRED as terminal', () => {
    expect(ORDER_SESSION_STATES.filter((s) => orderSessionMachine.isTerminal(s))).toEqual([
      'SUBMITTED',
      'CANCELLED',
      'EXPIRED',
    ]);
    expect(OPEN_ORDER_SESSION_STATES).toEqual([
      'COLLECTING_ITEMS',
      'COLLECTING_SHIPPING',
      'SELECTING_PAYMENT',
      'READY_TO_SUBMIT',
    ]);
  });

  it('says in words which action was refused in which state', () => {
    expect(orderSessionMachine.next('COLLECTING_ITEMS', 'SET_PAYMENT_METHOD')).toEqual({
      ok: false,
      error: {
        code: 'INVALID_TRANSITION',
        message: 'Cannot set payment method while COLLECTING_ITEMS.',
        details: {
          machine: 'order-session',
          from: 'COLLECTING_ITEMS',
          action: 'SET_PAYMENT_METHOD',
          allowedActions: ['ADD_ITEM', 'CANCEL', 'EXPIRE'],
        },
      },
    });
  });

  it('rejects a table whose transition targets an unknown state when it loads', () => {
    expect(() =>
      defineStateMachine<'A' | 'B', 'GO'>('broken', {
        A: {},
        B: { GO: 'C' as 'B' },
      }),
    ).toThrow(new Error('broken: B --GO--> C targets an unknown state'));
  });
});
