import type {
  OrderSessionRepository,
  OrderSessionSweepStore,
} from '../../app/order-sessions/repository.ts';
import { OPEN_ORDER_SESSION_STATES } from '../../domain/order-session/machine.ts';
import type { OrderSessionRecord } from '../../domain/order-session/types.ts';

/**
 * Order sessions in a Map, for unit tests of the service and for library users who bring no
 * database. It keeps the SQL store's promises: copies in and out, one open session per user,
 * version-checked updates.
 */
export function createMemoryOrderSessionRepository(): OrderSessionRepository &
  OrderSessionSweepStore {
  const rows = new Map<string, OrderSessionRecord>();
  const key = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;
  const isOpen = (session: OrderSessionRecord) => OPEN_ORDER_SESSION_STATES.includes(session.state);

  return {
    async getById(tenantId, id) {
      const row = rows.get(key(tenantId, id));
      return row ? structuredClone(row) : null;
    },

    async getActiveByDiscordUser(tenantId, userId) {
      for (const row of rows.values()) {
        if (row.tenantId === tenantId && row.userId === userId && isOpen(row)) {
          return structuredClone(row);
        }
      }
      return null;
    },

    async create(input) {
      const taken = [...rows.values()].some(
        (row) => row.tenantId === input.tenantId && row.userId === input.userId && isOpen(row),
      );
      if (taken || rows.has(key(input.tenantId, input.id))) return null;
      const record: OrderSessionRecord = { ...structuredClone(input), version: 1 };
      rows.set(key(input.tenantId, input.id), record);
      return structuredClone(record);
    },

    async update(tenantId, id, expectedVersion, patch) {
      const row = rows.get(key(tenantId, id));
      if (!row || row.version !== expectedVersion) return null;
      const next: OrderSessionRecord = {
        ...row,
        ...structuredClone(patch),
        version: row.version + 1,
      };
      rows.set(key(tenantId, id), next);
      return structuredClone(next);
    },

    async expireDueSessions(now, limit) {
      let expired = 0;
      for (const [k, row] of rows) {
        if (expired >= limit) break;
        if (isOpen(row) && row.expiresAt.getTime() <= now.getTime()) {
          rows.set(k, { ...row, state: 'EXPIRED', version: row.version + 1, updatedAt: now });
          expired++;
        }
      }
      return expired;
    },
  };
}
