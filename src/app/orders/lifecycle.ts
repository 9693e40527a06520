import type { StatusChange } from '../../domain/order/history.ts';
import {
  changeStatusInputSchema,
  type Restock,
  reasonInputSchema,
  shippingCostInputSchema,
} from '../../domain/order/inputs.ts';
import {
  type OrderStatus,
  orderLifecycle,
  UNPAID_ORDER_STATUSES,
} from '../../domain/order/status.ts';
import type { Order } from '../../domain/order/types.ts';
import { priceShippingChange } from '../../domain/pricing/totals.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import { parseInput } from '../../domain/validation.ts';
import { authorize } from '../access.ts';
import type { RequestContext } from '../context.ts';
import type { Clock, IdGenerator } from '../ports.ts';
import type { OrderChangeStore, OrderChangeTransaction } from './lifecycle-ports.ts';
import { canSeeOrder } from './queries.ts';
import type { OrderReadRepository } from './repository.ts';

export interface OrderLifecycle {
  /** Staff move an order along the lifecycle (PUT /orders/:id/status). */
  changeStatus(ctx: RequestContext, orderId: string, input: unknown): Promise<Result<Order>>;
  /** The buyer cancels their own unpaid order; staff any unpaid order. */
  cancel(ctx: RequestContext, orderId: string, input?: unknown): Promise<Result<Order>>;
  /** The buyer asks for a refund of a paid order. */
  requestRefund(ctx: RequestContext, orderId: string, input?: unknown): Promise<Result<Order>>;
  setShippingCost(ctx: RequestContext, orderId: string, input: unknown): Promise<Result<Order>>;
  history(ctx: RequestContext, orderId: string): Promise<Result<StatusChange[]>>;
}

interface Move {
  to: OrderStatus;
  reason: string | null;
  restock?: Restock | undefined;
  /** Who may make this move on this order, beyond seeing it. */
  permitted: (ctx: RequestContext, order: Order) => Result<true>;
}

export function createOrderLifecycle(deps: {
  store: OrderChangeStore;
  orders: OrderReadRepository;
  clock: Clock;
  newId: IdGenerator;
}): OrderLifecycle {
  /**
   * One status change: lock the order, check who may and whether the table allows it, apply
   * the change's effects on stock and payment, write the history row and the event. All in one
   * transaction; two racing changes are serialized by the row lock and the guarded update.
   */
  function move(ctx: RequestContext, orderId: string, plan: Move): Promise<Result<Order>> {
    return deps.store.transaction(async (tx) => {
      const order = await tx.lockOrder(ctx.tenantId, orderId);
      if (!order || !canSeeOrder(ctx, order))
        return fail('ORDER_NOT_FOUND', undefined, { orderId });
      const permitted = plan.permitted(ctx, order);
      if (!permitted.ok) return permitted;
      const allowed = orderLifecycle.check(order.status, plan.to);
      if (!allowed.ok) return allowed;
      const now = deps.clock.now();
      if (!(await tx.setStatus(ctx.tenantId, orderId, order.status, plan.to, now))) {
        return fail('CONCURRENT_MODIFICATION', undefined, { orderId });
      }
      const effects = await applyEffects(tx, order, plan, now);
      if (!effects.ok) return effects;
      const change: StatusChange = {
        id: deps.newId(),
        orderId,
        from: order.status,
        to: plan.to,
        actorType: ctx.role,
        actorId: ctx.userId,
        reason: plan.reason,
        at: now,
      };
      await tx.appendHistory(ctx.tenantId, change);
      await tx.appendOutbox([
        {
          id: deps.newId(),
          tenantId: ctx.tenantId,
          aggregateType: 'order',
          aggregateId: orderId,
          type: 'order.status_changed',
          payload: {
            orderId,
            orderNumber: order.orderNumber,
            from: order.status,
            to: plan.to,
            reason: plan.reason,
            actor: { type: ctx.role, id: ctx.userId },
          },
          createdAt: now,
        },
      ]);
      return ok({ ...order, status: plan.to, version: order.version + 1, updatedAt: now });
    });
  }

  const staffOnly = (ctx: RequestContext): Result<true> => authorize(ctx, 'order:manage');
  const buyerOrStaff = (ctx: RequestContext, order: Order): Result<true> =>
    authorize(ctx, 'order:manage').ok || (ctx.role === 'user' && order.userId === ctx.userId)
      ? ok(true)
      : fail('FORBIDDEN', 'Only the buyer or staff may do that.');

  return {
    async changeStatus(ctx, orderId, input) {
      const allowed = staffOnly(ctx);
      if (!allowed.ok) return allowed;
      const parsed = parseInput(changeStatusInputSchema, input);
      if (!parsed.ok) return parsed;
      const { newStatus, reason, restock } = parsed.value;
      if (restock !== undefined && newStatus !== 'refunded') {
        return fail('VALIDATION_FAILED', 'restock goes only with newStatus refunded.', {
          field: 'restock',
        });
      }
      return move(ctx, orderId, {
        to: newStatus,
        reason: reason ?? null,
        restock,
        permitted: staffOnly,
      });
    },

    async cancel(ctx, orderId, input = {}) {
      const parsed = parseInput(reasonInputSchema, input ?? {});
      if (!parsed.ok) return parsed;
      return move(ctx, orderId, {
        to: 'cancelled',
        reason: parsed.value.reason ?? null,
        permitted: buyerOrStaff,
      });
    },

    async requestRefund(ctx, orderId, input = {}) {
      const parsed = parseInput(reasonInputSchema, input ?? {});
      if (!parsed.ok) return parsed;
      return move(ctx, orderId, {
        to: 'requested_refund',
        reason: parsed.value.reason ?? null,
        permitted: buyerOrStaff,
      });
    },

    async setShippingCost(ctx, orderId, input) {
      const allowed = staffOnly(ctx);
      if (!allowed.ok) return allowed;
      const parsed = parseInput(shippingCostInputSchema, input);
      if (!parsed.ok) return parsed;
      return deps.store.transaction(async (tx) => {
        const order = await tx.lockOrder(ctx.tenantId, orderId);
        if (!order) return fail('ORDER_NOT_FOUND', undefined, { orderId });
        if (!UNPAID_ORDER_STATUSES.includes(order.status)) {
          return fail('INVALID_TRANSITION', 'Shipping can change only before payment.', {
            from: order.status,
            allowedStatuses: [...UNPAID_ORDER_STATUSES],
          });
        }
        const now = deps.clock.now();
        const { adjustments, totals } = priceShippingChange(
          order.totals.subtotalCents,
          order.adjustments,
          parsed.value.shippingCostCents,
          {
            sourceType: 'admin',
            sourceId: ctx.userId,
          },
        );
        await tx.replaceAdjustments(ctx.tenantId, orderId, adjustments, totals, now);
        await tx.repricePendingPayments(ctx.tenantId, orderId, totals.totalCents, now);
        await tx.appendOutbox([
          {
            id: deps.newId(),
            tenantId: ctx.tenantId,
            aggregateType: 'order',
            aggregateId: orderId,
            type: 'order.totals_changed',
            payload: {
              orderId,
              orderNumber: order.orderNumber,
              totals,
              reason: 'shipping cost set',
            },
            createdAt: now,
          },
        ]);
        return ok({ ...order, adjustments, totals, version: order.version + 1, updatedAt: now });
      });
    },

    async history(ctx, orderId) {
      const order = await deps.orders.findOrder(ctx.tenantId, orderId);
      if (!order || !canSeeOrder(ctx, order))
        return fail('ORDER_NOT_FOUND', undefined, { orderId });
      return ok(await deps.store.listHistory(ctx.tenantId, orderId));
    },
  };
}

/** What a status change does besides changing the status. */
async function applyEffects(
  tx: OrderChangeTransaction,
  order: Order,
  plan: Move,
  now: Date,
): Promise<Result<true>> {
  const { tenantId, id } = order;
  switch (plan.to) {
    case 'cancelled':
    case 'expired':
      await tx.releaseHeldStock(tenantId, id, now);
      await tx.endPaymentSession(
        tenantId,
        id,
        plan.to === 'cancelled' ? 'cancelled' : 'expired',
        now,
      );
      return ok(true);
    case 'paid':
      // Staff recording a payment made outside the provider (a bank transfer, say). An expired
      // order's stock was given back; only a late provider payment may take it again.
      if (order.status === 'expired') {
        return fail('INVALID_TRANSITION', 'Only a late payment revives an expired order.', {
          from: order.status,
          to: plan.to,
          allowedTargets: [],
        });
      }
      await tx.commitHeldStock(tenantId, id, now);
      await tx.endPaymentSession(tenantId, id, 'completed', now);
      return ok(true);
    case 'refunded': {
      const lines = restockLines(order, plan.restock);
      if (!lines.ok) return lines;
      if (lines.value.length > 0) await tx.restock(tenantId, lines.value, now);
      return ok(true);
    }
    default:
      return ok(true);
  }
}

function restockLines(
  order: Order,
  restock: Restock | undefined,
): Result<{ variantId: string; quantity: number }[]> {
  if (restock === undefined || restock === false) return ok([]);
  const bought = order.items.map((item) => ({
    variantId: item.variantId,
    quantity: item.quantity,
  }));
  if (restock === true) return ok(bought);
  for (const line of restock) {
    const item = bought.find((b) => b.variantId === line.variantId);
    if (!item)
      return fail('VALIDATION_FAILED', `The order has no line ${line.variantId}.`, {
        field: 'restock',
      });
    const asked = restock
      .filter((l) => l.variantId === line.variantId)
      .reduce((sum, l) => sum + l.quantity, 0);
    if (asked > item.quantity) {
      return fail(
        'VALIDATION_FAILED',
        `At most ${item.quantity} of ${line.variantId} can be restocked.`,
        { field: 'restock' },
      );
    }
  }
  return ok(restock.map((line) => ({ ...line })));
}
