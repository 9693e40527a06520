import { type Kysely, sql } from 'kysely';
import type { OrderStatus } from '../../domain/order/status.ts';
import type { Database } from './tables.ts';

/** Appends status-history rows for changes the store makes itself (placement, payment, expiry). */
export async function appendHistoryRows(
  db: Kysely<Database>,
  rows: readonly {
    tenantId: string;
    orderId: string;
    from: OrderStatus | null;
    to: OrderStatus;
    actorType: string;
    actorId: string;
    reason: string;
  }[],
  now: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('order_status_history')
    .values(
      rows.map((row) => ({
        tenant_id: row.tenantId,
        order_id: row.orderId,
        id: sql<string>`uuid_v7(${now}::timestamptz)`,
        from_status: row.from,
        to_status: row.to,
        actor_type: row.actorType,
        actor_id: row.actorId,
        reason: row.reason,
        at: now,
      })),
    )
    .execute();
}
