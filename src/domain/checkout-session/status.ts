import { defineLifecycle } from '../state-machine.ts';
import type { CheckoutMessage, CheckoutSession, CheckoutSessionStatus } from './types.ts';

/**
 * The one transition table of the agent checkout session. The first three statuses are derived
 * from the data, so an update may move between them either way; completion goes through
 * `complete_in_progress` (a declined payment returns to a derived status); `completed` and
 * `canceled` are final and refuse every change.
 */
export const checkoutSessionLifecycle = defineLifecycle<CheckoutSessionStatus>('checkout_session', {
  incomplete: ['requires_escalation', 'ready_for_complete', 'canceled'],
  requires_escalation: ['incomplete', 'ready_for_complete', 'canceled'],
  ready_for_complete: ['incomplete', 'requires_escalation', 'complete_in_progress', 'canceled'],
  complete_in_progress: [
    'completed',
    'ready_for_complete',
    'incomplete',
    'requires_escalation',
    'canceled',
  ],
  completed: [],
  canceled: [],
});

export const DERIVED_STATUSES: readonly CheckoutSessionStatus[] = [
  'incomplete',
  'requires_escalation',
  'ready_for_complete',
];

export function isFinal(status: CheckoutSessionStatus): boolean {
  return checkoutSessionLifecycle.isTerminal(status);
}

/** The fields a session needs before it can complete, each with the message that names it. */
export function missingFieldMessages(
  session: Pick<CheckoutSession, 'lineItems' | 'buyer' | 'fulfillment' | 'paymentInstruments'>,
): CheckoutMessage[] {
  const messages: CheckoutMessage[] = [];
  if (session.lineItems.length === 0) {
    messages.push({
      type: 'warning',
      code: 'missing_line_items',
      path: '$.line_items',
      content: 'Add at least one line item.',
    });
  }
  if (!session.buyer?.email) {
    messages.push({
      type: 'warning',
      code: 'missing_buyer_email',
      path: '$.buyer.email',
      content: 'The buyer’s email address is missing.',
    });
  }
  if (selectedDestination(session) === null) {
    messages.push({
      type: 'warning',
      code: 'missing_shipping_address',
      path: '$.fulfillment',
      content: 'Select a shipping address.',
    });
  }
  if (session.paymentInstruments.length === 0) {
    messages.push({
      type: 'warning',
      code: 'missing_payment',
      path: '$.payment.instruments',
      content: 'Add a payment instrument.',
    });
  }
  return messages;
}

/**
 * The status the data implies, in this order: any message needing the buyer → escalation;
 * nothing missing and no error → ready; otherwise incomplete. (An error such as `out_of_stock`
 * keeps a session from being ready even when every field is there.)
 */
export function deriveStatus(
  messages: readonly CheckoutMessage[],
): 'incomplete' | 'requires_escalation' | 'ready_for_complete' {
  if (messages.some((m) => m.severity === 'requires_buyer_input')) return 'requires_escalation';
  const blocking = messages.some(
    (m) => m.type === 'error' || MISSING_CODES.includes(m.code as MissingCode),
  );
  return blocking ? 'incomplete' : 'ready_for_complete';
}

const MISSING_CODES = [
  'missing_line_items',
  'missing_buyer_email',
  'missing_shipping_address',
  'missing_payment',
] as const;
type MissingCode = (typeof MISSING_CODES)[number];

/** The selected destination of the first shipping method that has one. */
export function selectedDestination(session: Pick<CheckoutSession, 'fulfillment'>) {
  for (const method of session.fulfillment.methods) {
    const found = method.destinations.find((d) => d.id === method.selectedDestinationId);
    if (found) return found;
  }
  return null;
}

/** True when every shipping method has a selected destination and, where options are offered, a selected option. */
export function fulfillmentSelected(session: Pick<CheckoutSession, 'fulfillment'>): boolean {
  const { methods } = session.fulfillment;
  if (methods.length === 0) return false;
  return methods.every(
    (method) =>
      method.destinations.some((d) => d.id === method.selectedDestinationId) &&
      method.groups.every(
        (group) =>
          group.options.length === 0 ||
          group.options.some((option) => option.id === group.selectedOptionId),
      ),
  );
}
