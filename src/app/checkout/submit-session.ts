import type { Order } from '../../domain/order/types.ts';
import { orderSessionMachine } from '../../domain/order-session/machine.ts';
import { isPastExpiry } from '../../domain/order-session/rules.ts';
import type { OrderSessionRecord } from '../../domain/order-session/types.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import type { RequestContext } from '../context.ts';
import type { OrderSessionService } from '../order-sessions/service.ts';
import type { OrderReadRepository } from '../orders/repository.ts';
import type { PaymentStore } from '../payments/ports.ts';
import type { Clock } from '../ports.ts';
import type { CheckoutResult, PlaceOrder } from './place-order.ts';

export interface SubmittedSession {
  session: OrderSessionRecord;
  checkout: CheckoutResult;
}

export type SubmitSession = (
  ctx: RequestContext,
  sessionId: string,
) => Promise<Result<SubmittedSession>>;

/**
 * Places the orders of a READY_TO_SUBMIT session, with the session id as the idempotency key,
 * then marks it SUBMITTED. Submitting a SUBMITTED session again answers the orders it recorded,
 * however long after: it never places them twice.
 */
export function createSubmitSession(deps: {
  sessions: OrderSessionService;
  placeOrder: PlaceOrder;
  orders: OrderReadRepository;
  payments: PaymentStore;
  clock: Clock;
}): SubmitSession {
  return async (ctx, sessionId) => {
    const loaded = await deps.sessions.get(ctx, sessionId);
    if (!loaded.ok) return loaded;
    const session = loaded.value;
    if (session.state === 'SUBMITTED')
      return ok({ session, checkout: await submittedCheckout(session) });
    if (session.state === 'EXPIRED' || isPastExpiry(session, deps.clock.now())) {
      return fail('SESSION_EXPIRED', undefined, { sessionId });
    }
    const allowed = orderSessionMachine.next(session.state, 'SUBMIT');
    if (!allowed.ok) return allowed;
    const { shippingAddress, paymentMethod } = session;
    if (!shippingAddress) {
      // The machine allows SUBMIT only once shipping is set; a record without it is corrupt.
      throw new Error(`order session ${session.id} is ${session.state} without a shipping address`);
    }
    const placed = await deps.placeOrder(ctx, {
      idempotencyKey: `session:${session.id}`,
      items: session.items.map((item) => ({ variantId: item.productId, quantity: item.quantity })),
      shippingAddress,
      ...(paymentMethod ? { paymentMethod } : {}),
    });
    if (!placed.ok) return placed;
    const orderIds = placed.value.orders.map((order) => order.id);
    const marked = await deps.sessions.markSubmitted(ctx, sessionId, orderIds);
    // The orders exist whatever happens to the session now; a retry with the key replays them.
    if (!marked.ok) return marked;
    return ok({ session: marked.value, checkout: placed.value });
  };

  async function submittedCheckout(session: OrderSessionRecord): Promise<CheckoutResult> {
    const found = await Promise.all(
      session.submittedOrderIds.map((id) => deps.orders.findOrder(session.tenantId, id)),
    );
    const orders = found.filter((order): order is Order => order !== null);
    return {
      checkoutId: orders[0]?.checkoutId ?? '',
      orders,
      replayed: true,
      payments: await deps.payments.latestPayments(session.tenantId, session.submittedOrderIds),
    };
  }
}
