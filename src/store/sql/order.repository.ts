import type { Kysely } from 'kysely';
import type { OrderReadRepository } from '../../app/orders/repository.ts';
import { isUuid } from './ids.ts';
import { withLines } from './order.rows.ts';
import type { Database } from './tables.ts';

export function createSqlOrderRepository(db: Kysely<Database>): OrderReadRepository {
  return {
    async findOrder(tenantId, id) {
      if (!isUuid(id)) return null;
      const row = await db
        .selectFrom('orders')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? ((await withLines(db, tenantId, [row]))[0] ?? null) : null;
    },

    async findOrderByNumber(tenantId, orderNumber) {
      const row = await db
        .selectFrom('orders')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('order_number', '=', orderNumber)
        .executeTakeFirst();
      return row ? ((await withLines(db, tenantId, [row]))[0] ?? null) : null;
    },

    async listOrders(tenantId, filter, page) {
      let query = db
        .selectFrom('orders')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('id', 'desc')
        .limit(page.limit + 1);
      if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
      if (filter.sellerId !== undefined) query = query.where('seller_id', '=', filter.sellerId);
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      if (filter.orderNumber !== undefined)
        query = query.where('order_number', '=', filter.orderNumber);
      if (filter.createdFrom !== undefined)
        query = query.where('created_at', '>=', filter.createdFrom);
      if (filter.createdTo !== undefined) query = query.where('created_at', '<', filter.createdTo);
      if (page.before !== undefined) {
        if (!isUuid(page.before)) return { items: [], nextCursor: null };
        query = query.where('id', '<', page.before);
      }
      const rows = await query.execute();
      const items = await withLines(db, tenantId, rows.slice(0, page.limit));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > page.limit && last ? last.id : null };
    },
  };
}
