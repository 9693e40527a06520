import type { Order } from '../../domain/order/types.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import { authorize } from '../access.ts';
import type { RequestContext } from '../context.ts';
import type { OrderFilter, OrderPage, OrderReadRepository } from './repository.ts';

export const MAX_ORDER_PAGE = 100;

/** Whether the caller may see this order: buyers their own, sellers theirs, staff all. */
export function canSeeOrder(ctx: RequestContext, order: Order): boolean {
  switch (ctx.role) {
    case 'user':
      return order.userId === ctx.userId;
    case 'seller':
      return order.sellerId !== null && order.sellerId === ctx.sellerId;
    case 'admin':
    case 'internal':
      return true;
  }
}

export interface OrderQueries {
  getOrderAsStaff(ctx: RequestContext, id: string): Promise<Result<Order>>;
  /** Staff only: every order of the tenant, with any filter. */
  listAllOrders(
    ctx: RequestContext,
    filter: OrderFilter,
    page: { limit?: number | undefined; before?: string | undefined },
  ): Promise<Result<OrderPage>>;
  getOrder(ctx: RequestContext, id: string): Promise<Result<Order>>;
  getOrderByNumber(ctx: RequestContext, orderNumber: string): Promise<Result<Order>>;
  listOrders(
    ctx: RequestContext,
    filter: OrderFilter,
    page: { limit?: number | undefined; before?: string | undefined },
  ): Promise<Result<OrderPage>>;
}

export function createOrderQueries(orders: OrderReadRepository): OrderQueries {
  const visible = (ctx: RequestContext, order: Order | null, ref: string): Result<Order> =>
    order && canSeeOrder(ctx, order)
      ? ok(order)
      : fail('ORDER_NOT_FOUND', undefined, { order: ref });

  return {
    async getOrder(ctx, id) {
      const allowed = authorize(ctx, 'order:read');
      if (!allowed.ok) return allowed;
      return visible(ctx, await orders.findOrder(ctx.tenantId, id), id);
    },

    async getOrderAsStaff(ctx, id) {
      const allowed = authorize(ctx, 'order:read-any');
      if (!allowed.ok) return allowed;
      return visible(ctx, await orders.findOrder(ctx.tenantId, id), id);
    },

    async getOrderByNumber(ctx, orderNumber) {
      const allowed = authorize(ctx, 'order:read');
      if (!allowed.ok) return allowed;
      return visible(ctx, await orders.findOrderByNumber(ctx.tenantId, orderNumber), orderNumber);
    },

    async listAllOrders(ctx, filter, page) {
      const allowed = authorize(ctx, 'order:read-any');
      if (!allowed.ok) return allowed;
      const limit = Math.min(Math.max(page.limit ?? 20, 1), MAX_ORDER_PAGE);
      return ok(await orders.listOrders(ctx.tenantId, filter, { limit, before: page.before }));
    },

    async listOrders(ctx, filter, page) {
      const allowed = authorize(ctx, 'order:read');
      if (!allowed.ok) return allowed;
      const limit = Math.min(Math.max(page.limit ?? 20, 1), MAX_ORDER_PAGE);
      const scoped = scopeFilter(ctx, filter);
      if (!scoped.ok) return scoped;
      return ok(
        await orders.listOrders(ctx.tenantId, scoped.value, { limit, before: page.before }),
      );
    },
  };
}

/** Buyers and sellers list only their own orders; filtering by someone else is refused. */
function scopeFilter(ctx: RequestContext, filter: OrderFilter): Result<OrderFilter> {
  if (authorize(ctx, 'order:read-any').ok) return ok(filter);
  if (ctx.role === 'seller') {
    if (filter.sellerId !== undefined && filter.sellerId !== ctx.sellerId) {
      return fail('FORBIDDEN', 'A seller lists only their own orders.', { field: 'sellerId' });
    }
    return ok({ ...filter, sellerId: ctx.sellerId ?? ctx.userId });
  }
  if (filter.userId !== undefined && filter.userId !== ctx.userId) {
    return fail('FORBIDDEN', 'A buyer lists only their own orders.', { field: 'userId' });
  }
  return ok({ ...filter, userId: ctx.userId });
}
