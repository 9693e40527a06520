import type { Kysely } from 'kysely';
import type { OutboxEvent } from '../../domain/outbox.ts';
import type { Database } from './tables.ts';

/** Appends events; call it with the transaction that makes the change they describe. */
export async function appendOutboxEvents(
  db: Kysely<Database>,
  events: readonly OutboxEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('outbox')
    .values(
      events.map((event) => ({
        tenant_id: event.tenantId,
        id: event.id,
        aggregate_type: event.aggregateType,
        aggregate_id: event.aggregateId,
        type: event.type,
        payload: JSON.stringify(event.payload),
        created_at: event.createdAt,
      })),
    )
    .execute();
}

/** Events waiting to be relayed, and those parked after repeated failures: across tenants. */
export async function countOutboxBacklog(
  db: Kysely<Database>,
): Promise<{ pending: number; parked: number }> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => [
      eb.fn.countAll<number>().filterWhere('parked_at', 'is', null).as('pending'),
      eb.fn.countAll<number>().filterWhere('parked_at', 'is not', null).as('parked'),
    ])
    .where('published_at', 'is', null)
    .executeTakeFirst();
  return { pending: Number(row?.pending ?? 0), parked: Number(row?.parked ?? 0) };
}
