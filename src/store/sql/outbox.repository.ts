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
