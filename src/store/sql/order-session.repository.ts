import { type Kysely, type Selectable, sql } from 'kysely';
import type {
  OrderSessionRepository,
  OrderSessionSweepStore,
} from '../../app/order-sessions/repository.ts';
import { OPEN_ORDER_SESSION_STATES } from '../../domain/order-session/machine.ts';
import type {
  OrderSessionCreateInput,
  OrderSessionPatchInput,
  OrderSessionRecord,
} from '../../domain/order-session/types.ts';
import { isUuid } from './ids.ts';
import type { Database, OrderSessionsTable } from './tables.ts';

function toRecord(row: Selectable<OrderSessionsTable>): OrderSessionRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    channel: row.channel,
    channelScope: row.channel_scope,
    state: row.state,
    items: row.items,
    shippingAddress: row.shipping_address,
    paymentMethod: row.payment_method,
    currency: row.currency,
    submittedOrderIds: row.submitted_order_ids,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
  };
}

function patchColumns(patch: OrderSessionPatchInput) {
  return {
    updated_at: patch.updatedAt,
    expires_at: patch.expiresAt,
    ...(patch.state !== undefined && { state: patch.state }),
    ...(patch.items !== undefined && { items: JSON.stringify(patch.items) }),
    ...(patch.shippingAddress !== undefined && {
      shipping_address: JSON.stringify(patch.shippingAddress),
    }),
    ...(patch.paymentMethod !== undefined && { payment_method: patch.paymentMethod }),
    ...(patch.currency !== undefined && { currency: patch.currency }),
    ...(patch.submittedOrderIds !== undefined && {
      submitted_order_ids: JSON.stringify(patch.submittedOrderIds),
    }),
  };
}

export function createSqlOrderSessionRepository(
  db: Kysely<Database>,
): OrderSessionRepository & OrderSessionSweepStore {
  return {
    async getById(tenantId, id) {
      if (!isUuid(id)) return null;
      const row = await db
        .selectFrom('order_sessions')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    async getActiveByDiscordUser(tenantId, userId) {
      const row = await db
        .selectFrom('order_sessions')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('state', 'in', OPEN_ORDER_SESSION_STATES)
        .executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    async create(input: OrderSessionCreateInput) {
      const row = await db
        .insertInto('order_sessions')
        .values({
          tenant_id: input.tenantId,
          id: input.id,
          user_id: input.userId,
          channel: input.channel,
          channel_scope: input.channelScope ?? null,
          state: input.state,
          items: JSON.stringify(input.items),
          shipping_address: JSON.stringify(input.shippingAddress),
          payment_method: input.paymentMethod,
          currency: input.currency,
          submitted_order_ids: JSON.stringify(input.submittedOrderIds),
          created_at: input.createdAt,
          updated_at: input.updatedAt,
          expires_at: input.expiresAt,
        })
        // The partial unique index on open sessions turns a second open session into no row.
        .onConflict((conflict) => conflict.doNothing())
        .returningAll()
        .executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    async update(tenantId, id, expectedVersion, patch) {
      if (!isUuid(id)) return null;
      const row = await db
        .updateTable('order_sessions')
        .set((eb) => ({ ...patchColumns(patch), version: eb('version', '+', 1) }))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .returningAll()
        .executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    async expireDueSessions(now, limit) {
      // Claim a batch, skipping rows another sweeper holds, then expire exactly those.
      const result = await sql`
        UPDATE order_sessions AS s
        SET state = 'EXPIRED', version = s.version + 1, updated_at = ${now}
        FROM (
          SELECT tenant_id, id FROM order_sessions
          WHERE state IN (${sql.join(OPEN_ORDER_SESSION_STATES)}) AND expires_at <= ${now}
          ORDER BY expires_at
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED
        ) AS due
        WHERE s.tenant_id = due.tenant_id AND s.id = due.id
      `.execute(db);
      return Number(result.numAffectedRows ?? 0n);
    },
  };
}
