import type { Kysely, Selectable } from 'kysely';
import type { AgentKeyRepository } from '../../app/agent-keys/ports.ts';
import type { AgentKey } from '../../domain/agent/api-key.ts';
import { isUuid } from './ids.ts';
import type { AgentApiKeysTable, Database } from './tables.ts';

function toKey(row: Selectable<AgentApiKeysTable>): AgentKey {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    label: row.label,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

const KEY_COLUMNS = ['id', 'tenant_id', 'label', 'created_at', 'revoked_at', 'key_hash'] as const;

export function createSqlAgentKeyRepository(db: Kysely<Database>): AgentKeyRepository {
  return {
    async insertKey(key) {
      await db
        .insertInto('agent_api_keys')
        .values({
          tenant_id: key.tenantId,
          id: key.id,
          key_hash: key.keyHash,
          label: key.label,
          created_at: key.createdAt,
          revoked_at: null,
        })
        .execute();
    },

    async findLiveKey(tenantId, keyHash) {
      const row = await db
        .selectFrom('agent_api_keys')
        .select(KEY_COLUMNS)
        .where('tenant_id', '=', tenantId)
        .where('key_hash', '=', keyHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return row ? toKey(row) : null;
    },

    async listKeys(tenantId) {
      const rows = await db
        .selectFrom('agent_api_keys')
        .select(KEY_COLUMNS)
        .where('tenant_id', '=', tenantId)
        .orderBy('id')
        .execute();
      return rows.map(toKey);
    },

    async revokeKey(tenantId, id, now) {
      if (!isUuid(id)) return null;
      // Revoking twice keeps the first time.
      await db
        .updateTable('agent_api_keys')
        .set({ revoked_at: now })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      const row = await db
        .selectFrom('agent_api_keys')
        .select(KEY_COLUMNS)
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toKey(row) : null;
    },

    async findAllowAnonymous(tenantId) {
      const row = await db
        .selectFrom('agent_settings')
        .select('allow_anonymous')
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      return row ? row.allow_anonymous : null;
    },

    async saveAllowAnonymous(tenantId, allow, now) {
      await db
        .insertInto('agent_settings')
        .values({ tenant_id: tenantId, allow_anonymous: allow, updated_at: now })
        .onConflict((c) =>
          c.column('tenant_id').doUpdateSet({ allow_anonymous: allow, updated_at: now }),
        )
        .execute();
    },
  };
}
