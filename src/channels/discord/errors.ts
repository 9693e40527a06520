import type { DomainError, ErrorCode } from '../../domain/errors.ts';

/** What an action is called in a buyer's words, for "you can't … now". */
const ACTION_WORDS: Record<string, string> = {
  ADD_ITEM: 'add products',
  REMOVE_ITEM: 'remove products',
  REMOVE_LAST_ITEM: 'remove products',
  SET_SHIPPING: 'set the shipping address',
  SET_PAYMENT_METHOD: 'choose a payment method',
  SUBMIT: 'submit',
  CANCEL: 'cancel',
};

/** Where the session stands, in a buyer's words. */
const STATE_WORDS: Record<string, string> = {
  COLLECTING_ITEMS: 'your cart is empty: add a product with `/order add` first',
  COLLECTING_SHIPPING: 'give a shipping address first (`/order shipping`)',
  SELECTING_PAYMENT: 'choose a payment method first (`/order pay`)',
  READY_TO_SUBMIT: 'the order is ready to submit; `/order start` shows it',
  SUBMITTED: 'this order is already submitted (`/order status`)',
  CANCELLED: 'this order was cancelled',
  EXPIRED: 'this order expired',
};

const detail = (error: DomainError, key: string): string | undefined => {
  const value = error.details?.[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
};

/**
 * Our error codes as a buyer in Discord should read them: one table, so that every state error
 * becomes a sentence with the next step instead of a failed interaction. Codes without a line
 * here fall back to the registry's message.
 */
const MESSAGES: Partial<Record<ErrorCode, (error: DomainError) => string>> = {
  SESSION_EXPIRED: () =>
    '⌛ Your order session expired after a while without activity, and its cart is gone. `/order start` begins a new one.',
  SESSION_NOT_FOUND: () => 'You have no open order. `/order start` begins one.',
  INVALID_TRANSITION: (error) => {
    const action = ACTION_WORDS[detail(error, 'action') ?? ''] ?? 'do that';
    const state = STATE_WORDS[detail(error, 'from') ?? ''] ?? 'not at this step';
    return `You can't ${action} now: ${state}.`;
  },
  INSUFFICIENT_STOCK: (error) => {
    const sku = detail(error, 'sku');
    const available = detail(error, 'available');
    return sku && available !== undefined
      ? `😕 Out of stock: only ${available} of \`${sku}\` left. \`/order remove\` it or add fewer, then submit again.`
      : `😕 Out of stock: ${error.message}`;
  },
  MAX_ATTEMPTS_REACHED: (error) => {
    const max = detail(error, 'maxPaymentAttempts');
    const all = max ? `all ${max}` : 'all the';
    return `You have used ${all} payment attempts for this order, so it can't be retried. \`/order start\` begins a new order.`;
  },
  SESSION_NOT_ACTIVE: (error) =>
    `This order's payment window is ${detail(error, 'status') ?? 'closed'}; nothing more to pay.`,
  VARIANT_NOT_FOUND: () =>
    "That product isn't in this shop. Pick one from the suggestions as you type `/order add`.",
  ITEM_NOT_FOUND: (error) => `Your cart has no \`${detail(error, 'sku') ?? 'such item'}\`.`,
  QUANTITY_LIMIT_EXCEEDED: (error) => `Too many: ${error.message}`,
  TOO_MANY_ITEMS: (error) => `Your cart is full: ${error.message}`,
  CURRENCY_MISMATCH: (error) => `That can't go in this cart: ${error.message}`,
  UNSUPPORTED_PAYMENT_METHOD: (error) => `That payment method isn't accepted. ${error.message}`,
  VALIDATION_FAILED: (error) => `That doesn't look right: ${error.message}`,
  CONCURRENT_MODIFICATION: () => 'Your cart was busy with another change; please try again.',
  RATE_LIMITED: () => 'Slow down a little, then try again.',
  ORDER_NOT_FOUND: () => "That order isn't yours or doesn't exist.",
};

export function readableError(error: DomainError): string {
  const message = MESSAGES[error.code];
  return message ? message(error) : error.message;
}

export const UNLINKED_GUILD =
  "This server isn't linked to a shop yet. A server admin can link it with `ordersession discord link-guild <server id> <tenant>`.";
export const NO_DM_TENANT =
  "Ordering by direct message isn't enabled here; use `/order` in a server.";
export const INTERNAL_FAILURE =
  'Something went wrong on our side, and nothing was changed. Please try again in a moment.';
