import { defineStateMachine } from '../state-machine.ts';

export const ORDER_SESSION_STATES = [
  'COLLECTING_ITEMS',
  'COLLECTING_SHIPPING',
  'SELECTING_PAYMENT',
  'READY_TO_SUBMIT',
  'SUBMITTED',
  'CANCELLED',
  'EXPIRED',
] as const;
export type OrderSessionState = (typeof ORDER_SESSION_STATES)[number];

export type OrderSessionAction =
  | 'ADD_ITEM'
  | 'REMOVE_ITEM'
  | 'REMOVE_LAST_ITEM'
  | 'SET_SHIPPING'
  | 'SET_PAYMENT_METHOD'
  | 'SUBMIT'
  | 'CANCEL'
  | 'EXPIRE';

const endings = { CANCEL: 'CANCELLED', EXPIRE: 'EXPIRED' } as const;

/**
 * The conversational order session. Each state encodes what the session already holds: items
 * are editable until shipping is given, shipping until submission, and a payment method makes
 * the session ready. The README shows this table; keep the two in step.
 */
export const orderSessionMachine = defineStateMachine<OrderSessionState, OrderSessionAction>(
  'order-session',
  {
    COLLECTING_ITEMS: { ADD_ITEM: 'COLLECTING_SHIPPING', ...endings },
    COLLECTING_SHIPPING: {
      ADD_ITEM: 'COLLECTING_SHIPPING',
      REMOVE_ITEM: 'COLLECTING_SHIPPING',
      REMOVE_LAST_ITEM: 'COLLECTING_ITEMS',
      SET_SHIPPING: 'SELECTING_PAYMENT',
      ...endings,
    },
    SELECTING_PAYMENT: {
      SET_SHIPPING: 'SELECTING_PAYMENT',
      SET_PAYMENT_METHOD: 'READY_TO_SUBMIT',
      ...endings,
    },
    READY_TO_SUBMIT: {
      SET_SHIPPING: 'READY_TO_SUBMIT',
      SET_PAYMENT_METHOD: 'READY_TO_SUBMIT',
      SUBMIT: 'SUBMITTED',
      ...endings,
    },
    SUBMITTED: {},
    CANCELLED: {},
    EXPIRED: {},
  },
);

/** States in which a session is the user's active one (at most one per tenant and user). */
export const OPEN_ORDER_SESSION_STATES: readonly OrderSessionState[] = ORDER_SESSION_STATES.filter(
  (state) => !orderSessionMachine.isTerminal(state),
);
