import {
  type CompleteCheckoutSessionInput,
  completeCheckoutSessionSchema,
} from '../../domain/checkout-session/inputs.ts';
import {
  checkoutSessionLifecycle,
  DERIVED_STATUSES,
  deriveStatus,
  fulfillmentSelected,
  selectedDestination,
} from '../../domain/checkout-session/status.ts';
import type { CheckoutSession, PaymentInstrument } from '../../domain/checkout-session/types.ts';
import type { Order } from '../../domain/order/types.ts';
import type { ShippingAddress } from '../../domain/order-session/types.ts';
import { checkRetry } from '../../domain/payment/rules.ts';
import type { Payment } from '../../domain/payment/types.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import { parseInput } from '../../domain/validation.ts';
import type { PlaceOrder } from '../checkout/place-order.ts';
import type { RequestContext } from '../context.ts';
import type { OrderReadRepository } from '../orders/repository.ts';
import { applyPaymentEvent } from '../payments/apply-payment-event.ts';
import type { PaymentProvider, PaymentStore } from '../payments/ports.ts';
import { startPayments } from '../payments/start-payments.ts';
import type { Clock, IdGenerator } from '../ports.ts';
import type { InstrumentCharger } from './ports.ts';
import type { SessionChange } from './service.ts';

/** What completion needs besides the session store: the existing checkout and payment window. */
export interface CompletionDeps {
  placeOrder: PlaceOrder;
  payments: PaymentStore;
  provider: PaymentProvider;
  charger: InstrumentCharger;
  orders: OrderReadRepository;
  newId: IdGenerator;
}

export interface CompletedCheckoutSession {
  session: CheckoutSession;
  /** The placed orders (one per seller), paid. */
  orders: Order[];
  /** The successful payment of each order. */
  payments: Payment[];
}

/** A completion that died half-way (a crash) may be taken over after this long. */
export const COMPLETION_LEASE_MS = 120_000;

/** The message a channel shows when fulfillment is not chosen (UCP's conformance suite reads it verbatim). */
export const FULFILLMENT_NOT_SELECTED_MESSAGE = 'Fulfillment address and option must be selected';

type Internal = CompletionDeps & {
  clock: Clock;
  load(ctx: RequestContext, id: string): Promise<Result<CheckoutSession>>;
  mutate(ctx: RequestContext, id: string, change: SessionChange): Promise<Result<CheckoutSession>>;
  refresh(session: CheckoutSession): Promise<CheckoutSession>;
};

/**
 * Completes a session: claims it (`complete_in_progress`, a conditional write, so two
 * completions cannot both run), places its orders through the existing checkout with the
 * session id as the idempotency key (catalog prices, split by seller, stock reserved
 * atomically, payment window opened), then charges the session's instrument for each order.
 * Every order paid: `completed`. A decline or a fraud refusal: the session returns to its
 * derived status with its orders kept, and completing again charges a new attempt of the same
 * payment window (until its attempt limit). Out of stock: nothing is placed, the line is named.
 */
export async function completeCheckoutSession(
  deps: Internal,
  ctx: RequestContext,
  id: string,
  input: CompleteCheckoutSessionInput,
): Promise<Result<CompletedCheckoutSession>> {
  const parsed = parseInput(completeCheckoutSessionSchema, input);
  if (!parsed.ok) return parsed;
  const { paymentInstruments, instrumentId, buyerEmailOptional } = parsed.value;

  const claimed = await deps.mutate(ctx, id, async (current, now) => {
    const stale =
      current.status === 'complete_in_progress' &&
      now.getTime() - current.updatedAt.getTime() > COMPLETION_LEASE_MS;
    // Final, or another completion holding the session: refused with from/to.
    if (!stale && current.status === 'complete_in_progress') {
      return fail('INVALID_TRANSITION', 'A completion of this session is in progress.', {
        machine: 'checkout_session',
        from: current.status,
        to: 'complete_in_progress',
      });
    }
    if (!stale && !DERIVED_STATUSES.includes(current.status)) {
      const refused = checkoutSessionLifecycle.check(current.status, 'complete_in_progress');
      if (!refused.ok) return refused;
    }
    const session = paymentInstruments === undefined ? current : { ...current, paymentInstruments };
    if (!fulfillmentSelected(session)) {
      return fail('FULFILLMENT_NOT_SELECTED', FULFILLMENT_NOT_SELECTED_MESSAGE, {
        field: 'fulfillment',
      });
    }
    // What the data say now (catalog, stock, the instruments just given), as a derived status.
    let refreshed = await deps.refresh({ ...session, status: 'incomplete' });
    if (buyerEmailOptional) {
      const messages = refreshed.messages.filter((m) => m.code !== 'missing_buyer_email');
      refreshed = { ...refreshed, messages, status: deriveStatus(messages) };
    }
    if (refreshed.status !== 'ready_for_complete') return notReady(current, refreshed);
    if (!fulfillmentSelected(refreshed)) {
      return fail('FULFILLMENT_NOT_SELECTED', FULFILLMENT_NOT_SELECTED_MESSAGE, {
        field: 'fulfillment',
      });
    }
    return ok({ ...refreshed, status: 'complete_in_progress' as const });
  });
  if (!claimed.ok) {
    if (claimed.error.code === 'INSUFFICIENT_STOCK') {
      // Store what the catalog says now (the out-of-stock message), so the agent sees it too.
      await deps.mutate(ctx, id, async (current) =>
        ok(DERIVED_STATUSES.includes(current.status) ? await deps.refresh(current) : current),
      );
    }
    return claimed;
  }
  const session = claimed.value;

  const instrument =
    session.paymentInstruments.find((i) => i.id === instrumentId) ?? session.paymentInstruments[0];
  if (!instrument || (instrumentId !== undefined && instrument.id !== instrumentId)) {
    await release(deps, ctx, id);
    return fail('VALIDATION_FAILED', `No payment instrument ${instrumentId ?? ''}.`, {
      field: 'instrumentId',
    });
  }

  const placed = await deps.placeOrder(
    { ...ctx, userId: session.ownerId },
    {
      idempotencyKey: `checkout-session:${session.id}`,
      items: session.lineItems.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
      shippingAddress: shippingAddressOf(session),
      customer: customerOf(session),
    },
    {},
    {
      shippingCents: session.totals.fulfillmentCents,
      discount:
        session.totals.discountCents > 0
          ? {
              amountCents: session.totals.discountCents,
              couponCode: session.appliedDiscounts
                .map((d) => d.code)
                .join(',')
                .slice(0, 64),
            }
          : null,
    },
  );
  if (!placed.ok) {
    await release(deps, ctx, id);
    return namedLine(placed, session);
  }
  const checkout = placed.value;

  const paid: Payment[] = [];
  for (const order of checkout.orders) {
    const charged = await chargeOrder(deps, order, checkout.payments, instrument);
    if (!charged.ok) {
      await release(deps, ctx, id, checkout.checkoutId);
      return charged;
    }
    paid.push(charged.value);
  }

  const orders = (
    await Promise.all(checkout.orders.map((o) => deps.orders.findOrder(o.tenantId, o.id)))
  ).filter((o): o is Order => o !== null);
  const done = await deps.mutate(ctx, id, async (current) => {
    if (current.status !== 'complete_in_progress')
      return checkoutSessionLifecycle.check(current.status, 'completed') as Result<never>;
    return ok({
      ...current,
      status: 'completed' as const,
      checkoutId: checkout.checkoutId,
      orders: orders.map((o) => ({
        id: o.id,
        orderNumber: o.orderNumber,
        status: o.status,
        totalCents: o.totals.totalCents,
      })),
      messages: [],
    });
  });
  if (!done.ok) return done;
  return ok({ session: done.value, orders, payments: paid });
}

/** Charges one order: its unstarted payment, or a new attempt of its payment window after a decline. */
async function chargeOrder(
  deps: Internal,
  order: Order,
  latest: readonly Payment[],
  instrument: PaymentInstrument,
): Promise<Result<Payment>> {
  const current = await deps.orders.findOrder(order.tenantId, order.id);
  let payment = latest.find((p) => p.orderId === order.id);
  if (current?.status === 'paid' && payment?.status === 'succeeded') return ok(payment);
  if (!payment || payment.status === 'failed' || payment.status === 'succeeded') {
    const now = deps.clock.now();
    const started = await deps.payments.startAttempt({
      tenantId: order.tenantId,
      orderId: order.id,
      paymentId: deps.newId(),
      provider: deps.provider.name,
      now,
      metadata: {},
      eventId: deps.newId(),
    });
    if (!started) {
      const window = await deps.payments.findSessionByOrder(order.tenantId, order.id);
      const refused = window ? checkRetry(window, now) : null;
      if (refused && !refused.ok) return refused;
      return fail('PAYMENT_SESSION_NOT_FOUND', undefined, { orderId: order.id });
    }
    payment = started.payment;
  }
  const [ready] = await startPayments(deps, [payment]);
  if (!ready || ready.status === 'failed')
    return fail('PAYMENT_PROVIDER_FAILED', ready?.failureReason ?? undefined, {
      orderId: order.id,
    });
  const outcome = await deps.charger.charge({
    tenantId: order.tenantId,
    paymentId: ready.id,
    amountCents: ready.amountCents,
    currency: ready.currency,
    instrument,
  });
  const applied = await applyPaymentEvent(
    { payments: deps.payments, clock: deps.clock, newId: deps.newId, provider: deps.provider.name },
    {
      id: `charge:${ready.id}`,
      type: outcome.outcome === 'succeeded' ? 'payment.succeeded' : 'payment.failed',
      tenantId: order.tenantId,
      paymentId: ready.id,
      ...(outcome.outcome === 'succeeded' ? {} : { failureReason: outcome.reason }),
    },
  );
  if (outcome.outcome === 'declined')
    return fail('PAYMENT_DECLINED', `The payment was declined: ${outcome.reason}.`, {
      orderId: order.id,
      instrumentId: instrument.id,
    });
  if (outcome.outcome === 'fraud')
    return fail('PAYMENT_FRAUD_SUSPECTED', undefined, {
      orderId: order.id,
      instrumentId: instrument.id,
    });
  if (applied !== 'paid' && applied !== 'late_fulfilled' && applied !== 'already_settled')
    return fail('PAYMENT_NOT_FOUND', `The payment could not be applied (${applied}).`, {
      orderId: order.id,
    });
  return ok((await deps.payments.findPayment(order.tenantId, ready.id)) ?? ready);
}

/** Back from `complete_in_progress` to what the data say, keeping the placed checkout if any. */
async function release(deps: Internal, ctx: RequestContext, id: string, checkoutId?: string) {
  await deps.mutate(ctx, id, async (current) => {
    if (current.status !== 'complete_in_progress') return ok(current);
    const refreshed = await deps.refresh({ ...current, status: 'ready_for_complete' });
    return ok({
      ...refreshed,
      status: deriveStatus(refreshed.messages),
      ...(checkoutId !== undefined ? { checkoutId } : {}),
    });
  });
}

function notReady(before: CheckoutSession, refreshed: CheckoutSession): Result<never> {
  const error = refreshed.messages.find((m) => m.type === 'error');
  if (error?.code === 'out_of_stock') {
    const index = Number(/\[(\d+)\]/.exec(error.path ?? '')?.[1] ?? -1);
    const line = refreshed.lineItems[index];
    return fail('INSUFFICIENT_STOCK', error.content, {
      path: error.path,
      lineItemId: line?.id,
      sku: line?.sku,
    });
  }
  return fail(
    'INVALID_TRANSITION',
    `The session is ${refreshed.status}: ${refreshed.messages.map((m) => m.code).join(', ')}.`,
    {
      machine: 'checkout_session',
      from: before.status,
      to: 'complete_in_progress',
      messages: refreshed.messages.map((m) => m.code),
    },
  );
}

/** Out of stock from the checkout: the same failure, pointing at the session's line. */
function namedLine<T>(failure: Result<T>, session: CheckoutSession): Result<never> {
  if (failure.ok) throw new Error('namedLine: not a failure');
  const variantId = failure.error.details?.variantId;
  const index = session.lineItems.findIndex((l) => l.variantId === variantId);
  if (index < 0) return failure;
  return fail(failure.error.code, failure.error.message, {
    ...failure.error.details,
    path: `$.line_items[${index}]`,
    lineItemId: session.lineItems[index]?.id,
  });
}

const PHONE = /^\+?[0-9 ()-]{5,30}$/;

function shippingAddressOf(session: CheckoutSession): ShippingAddress {
  const d = selectedDestination(session);
  if (!d) throw new Error(`checkout session ${session.id} is ready without a destination`);
  const buyer = session.buyer;
  const name =
    [d.firstName, d.lastName].filter(Boolean).join(' ') ||
    buyer?.fullName ||
    [buyer?.firstName, buyer?.lastName].filter(Boolean).join(' ') ||
    buyer?.email ||
    'Buyer';
  const phone = d.phoneNumber ?? buyer?.phoneNumber;
  return {
    name: name.slice(0, 200),
    // A partial destination (country and postal code) still ships: the snapshot names what is known.
    line1: (d.streetAddress || d.postalCode).slice(0, 200),
    ...(d.extendedAddress ? { line2: d.extendedAddress.slice(0, 200) } : {}),
    city: (d.locality || d.region || d.postalCode).slice(0, 100),
    ...(d.region ? { region: d.region.slice(0, 100) } : {}),
    postalCode: d.postalCode.slice(0, 20),
    country: d.country,
    ...(phone && PHONE.test(phone) ? { phone } : {}),
  };
}

function customerOf(session: CheckoutSession) {
  const buyer = session.buyer;
  const name =
    buyer?.fullName || [buyer?.firstName, buyer?.lastName].filter(Boolean).join(' ') || undefined;
  return {
    ...(buyer?.email ? { email: buyer.email } : {}),
    ...(name ? { name: name.slice(0, 200) } : {}),
  };
}
