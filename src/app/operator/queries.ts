import type { Payment } from '../../domain/payment/types.ts';
import type { Coupon } from '../../domain/pricing/coupon.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import { authorize } from '../access.ts';
import type { RequestContext } from '../context.ts';
import type { Clock } from '../ports.ts';
import type { OperatorStore, OutboxEntry } from './ports.ts';

export const OPERATOR_LIST_LIMIT = 200;

/**
 * The operator's reads and the one write the API lacks (unparking one event), behind the same
 * permission checks as the API: reading any order is `order:read-any`, the outbox and coupons
 * are `settings:write`.
 */
export interface OperatorQueries {
  paymentsOfOrder(ctx: RequestContext, orderId: string): Promise<Result<Payment[]>>;
  eventsOfOrder(ctx: RequestContext, orderId: string): Promise<Result<OutboxEntry[]>>;
  parkedEvents(ctx: RequestContext): Promise<Result<OutboxEntry[]>>;
  unparkEvent(ctx: RequestContext, eventId: string): Promise<Result<true>>;
  coupons(ctx: RequestContext): Promise<Result<Coupon[]>>;
}

export function createOperatorQueries(
  store: OperatorStore,
  deps: { clock: Clock },
): OperatorQueries {
  return {
    async paymentsOfOrder(ctx, orderId) {
      const allowed = authorize(ctx, 'order:read-any');
      if (!allowed.ok) return allowed;
      return ok(await store.paymentsOfOrder(ctx.tenantId, orderId));
    },
    async eventsOfOrder(ctx, orderId) {
      const allowed = authorize(ctx, 'order:read-any');
      if (!allowed.ok) return allowed;
      return ok(await store.eventsOfOrder(ctx.tenantId, orderId, OPERATOR_LIST_LIMIT));
    },
    async parkedEvents(ctx) {
      const allowed = authorize(ctx, 'settings:write');
      if (!allowed.ok) return allowed;
      return ok(await store.parkedEvents(ctx.tenantId, OPERATOR_LIST_LIMIT));
    },
    async unparkEvent(ctx, eventId) {
      const allowed = authorize(ctx, 'settings:write');
      if (!allowed.ok) return allowed;
      return (await store.unparkEvent(ctx.tenantId, eventId, deps.clock.now()))
        ? ok(true)
        : fail('EVENT_NOT_PARKED', undefined, { eventId });
    },
    async coupons(ctx) {
      const allowed = authorize(ctx, 'settings:write');
      if (!allowed.ok) return allowed;
      return ok(await store.listCoupons(ctx.tenantId, OPERATOR_LIST_LIMIT));
    },
  };
}
