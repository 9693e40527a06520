import type { OrderStatus } from '../../domain/order/status.ts';
import type { Order } from '../../domain/order/types.ts';

export interface OrderFilter {
  userId?: string | undefined;
  sellerId?: string | undefined;
  status?: OrderStatus | undefined;
  orderNumber?: string | undefined;
  /** Placed at or after. */
  createdFrom?: Date | undefined;
  /** Placed before. */
  createdTo?: Date | undefined;
}

export interface OrderPage {
  items: Order[];
  /** Pass back as `before` for the next (older) page; null on the last one. */
  nextCursor: string | null;
}

export interface OrderReadRepository {
  findOrder(tenantId: string, id: string): Promise<Order | null>;
  findOrderByNumber(tenantId: string, orderNumber: string): Promise<Order | null>;
  /** Newest first. */
  listOrders(
    tenantId: string,
    filter: OrderFilter,
    page: { limit: number; before?: string | undefined },
  ): Promise<OrderPage>;
}
