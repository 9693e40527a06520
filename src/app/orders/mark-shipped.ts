import type { Order } from '../../domain/order/types.ts';
import { ok, type Result } from '../../domain/result.ts';
import type { RequestContext } from '../context.ts';
import type { OrderLifecycle } from './lifecycle.ts';
import type { OrderQueries } from './queries.ts';

/** The steps from a paid order to a shipped one, each a guarded lifecycle move. */
const TO_SHIPPED = { paid: 'processing', processing: 'shipped' } as const;

/**
 * Moves an order forward to `shipped` through the lifecycle (paid → processing → shipped), so
 * that every step writes its history row and its event. Already shipped: nothing to do. From
 * any other status the lifecycle's own INVALID_TRANSITION answers.
 */
export async function markShipped(
  deps: { lifecycle: OrderLifecycle; orders: OrderQueries },
  ctx: RequestContext,
  orderId: string,
  reason: string,
): Promise<Result<Order>> {
  let current = await deps.orders.getOrder(ctx, orderId);
  for (let step = 0; step < 3 && current.ok && current.value.status !== 'shipped'; step++) {
    const status = current.value.status;
    const next = status in TO_SHIPPED ? TO_SHIPPED[status as keyof typeof TO_SHIPPED] : 'shipped';
    current = await deps.lifecycle.changeStatus(ctx, orderId, { newStatus: next, reason });
  }
  return current.ok ? ok(current.value) : current;
}
