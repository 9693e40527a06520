import type { Order } from '../../domain/order/types.ts';
import { type BuyerPaymentState, buyerPaymentState } from '../../domain/payment/buyer-state.ts';
import type { Payment, PaymentMetadata } from '../../domain/payment/types.ts';
import { fail, type Result } from '../../domain/result.ts';
import type { RequestContext } from '../context.ts';
import type { OrderReadRepository } from '../orders/repository.ts';
import type { Clock } from '../ports.ts';
import {
  type PaymentSessionView,
  type PaymentWindow,
  type RetryOutcome,
  viewSession,
} from './payment-window.ts';
import type { PaymentProvider, PaymentStore } from './ports.ts';

/** Everything the buyer's payment page shows, read at one instant (`now`, the server's). */
export interface BuyerPaymentView {
  order: Order;
  session: PaymentSessionView | null;
  latest: Payment | null;
  state: BuyerPaymentState;
  /** The provider's page for the latest payment (the Pay button), while it can be paid. */
  checkoutUrl: string | null;
  now: Date;
}

/**
 * The buyer's payment page. Whoever holds the order's signed link acts as its buyer: reads go
 * through the same repositories as the API, and a retry is the API's retry, as that buyer.
 */
export interface BuyerPage {
  view(tenantId: string, orderId: string): Promise<BuyerPaymentView | null>;
  retry(
    tenantId: string,
    orderId: string,
    metadata?: PaymentMetadata,
  ): Promise<Result<RetryOutcome>>;
}

export function createBuyerPage(deps: {
  orders: OrderReadRepository;
  payments: PaymentStore;
  paymentWindow: PaymentWindow;
  provider: PaymentProvider;
  clock: Clock;
}): BuyerPage {
  return {
    async view(tenantId, orderId) {
      const order = await deps.orders.findOrder(tenantId, orderId);
      if (!order) return null;
      const [session, [latest]] = await Promise.all([
        deps.payments.findSessionByOrder(tenantId, orderId),
        deps.payments.latestPayments(tenantId, [orderId]),
      ]);
      const now = deps.clock.now();
      const state = buyerPaymentState(order.status, session, latest ?? null, now);
      const payable = state === 'awaiting' && latest?.status === 'pending';
      return {
        order,
        session: session ? viewSession(session, now) : null,
        latest: latest ?? null,
        state,
        checkoutUrl:
          payable && latest
            ? (deps.provider.checkoutUrl?.({
                tenantId,
                paymentId: latest.id,
                providerPaymentId: latest.providerPaymentId,
              }) ?? null)
            : null,
        now,
      };
    },

    async retry(tenantId, orderId, metadata) {
      const order = await deps.orders.findOrder(tenantId, orderId);
      if (!order) return fail('ORDER_NOT_FOUND', undefined, { orderId });
      const buyer: RequestContext = { tenantId, userId: order.userId, role: 'user' };
      return deps.paymentWindow.retryPayment(buyer, orderId, metadata);
    },
  };
}
