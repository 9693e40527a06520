import type { Kysely } from 'kysely';
import type { AgentOrderStore } from '../../app/agent-orders.ts';
import { isUuid } from './ids.ts';
import { appendOutboxEvents } from './outbox.repository.ts';
import type { Database } from './tables.ts';

export function createSqlAgentOrderStore(db: Kysely<Database>): AgentOrderStore {
  return {
    async insert(record, now, event) {
      await db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('ucp_orders')
          .values({
            tenant_id: record.tenantId,
            order_id: record.orderId,
            checkout_id: record.checkoutId,
            webhook_url: record.webhookUrl,
            document: JSON.stringify(record.document),
            created_at: now,
            updated_at: now,
          })
          .onConflict((c) => c.columns(['tenant_id', 'order_id']).doNothing())
          .returning('order_id')
          .executeTakeFirst();
        if (inserted && event) await appendOutboxEvents(trx, [event]);
      });
    },

    async find(tenantId, orderId) {
      if (!isUuid(orderId)) return null;
      const row = await db
        .selectFrom('ucp_orders')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('order_id', '=', orderId)
        .executeTakeFirst();
      return row
        ? {
            tenantId: row.tenant_id,
            orderId: row.order_id,
            checkoutId: row.checkout_id,
            webhookUrl: row.webhook_url,
            document: row.document,
            version: row.version,
          }
        : null;
    },

    async replaceDocument(tenantId, orderId, document, expectedVersion, now, event) {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('ucp_orders')
          .set((eb) => ({
            document: JSON.stringify(document),
            version: eb('version', '+', 1),
            updated_at: now,
          }))
          .where('tenant_id', '=', tenantId)
          .where('order_id', '=', orderId)
          .where('version', '=', expectedVersion)
          .executeTakeFirst();
        const replaced = result.numUpdatedRows > 0n;
        if (replaced && event) await appendOutboxEvents(trx, [event]);
        return replaced;
      });
    },
  };
}
