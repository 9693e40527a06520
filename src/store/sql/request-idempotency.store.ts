import type { Kysely } from 'kysely';
import type {
  IdempotencyKeyRef,
  IdempotencyStore,
  StoredResponse,
} from '../../app/idempotency/ports.ts';
import type { Database } from './tables.ts';

const byRef = (ref: IdempotencyKeyRef) => ({
  tenant_id: ref.tenantId,
  scope: ref.scope,
  idempotency_key: ref.key,
});

/** The generic idempotency store over the `request_idempotency` table (migration 0007). */
export function createSqlIdempotencyStore(db: Kysely<Database>): IdempotencyStore {
  return {
    async claim(request) {
      // One statement: a new key is inserted; an expired or stale one is taken over in place;
      // a live one is left alone (no row returned). Concurrent claimants serialise on the key.
      const claimed = await db
        .insertInto('request_idempotency')
        .values({
          ...byRef(request),
          request_hash: request.requestHash,
          claim_token: request.token,
          response_status: null,
          response_headers: null,
          response_body: null,
          claimed_at: request.now,
          expires_at: request.expiresAt,
        })
        .onConflict((conflict) =>
          conflict
            .columns(['tenant_id', 'scope', 'idempotency_key'])
            .doUpdateSet((eb) => ({
              request_hash: eb.ref('excluded.request_hash'),
              claim_token: eb.ref('excluded.claim_token'),
              response_status: null,
              response_headers: null,
              response_body: null,
              claimed_at: eb.ref('excluded.claimed_at'),
              expires_at: eb.ref('excluded.expires_at'),
            }))
            .where((eb) =>
              eb.or([
                eb('request_idempotency.expires_at', '<=', request.now),
                eb.and([
                  eb('request_idempotency.response_status', 'is', null),
                  eb('request_idempotency.claimed_at', '<', request.staleBefore),
                ]),
              ]),
            ),
        )
        .returning('claim_token')
        .executeTakeFirst();
      if (claimed?.claim_token === request.token) return { kind: 'claimed' };
      const existing = await db
        .selectFrom('request_idempotency')
        .select(['request_hash', 'response_status', 'response_headers', 'response_body'])
        .where('tenant_id', '=', request.tenantId)
        .where('scope', '=', request.scope)
        .where('idempotency_key', '=', request.key)
        .executeTakeFirst();
      if (!existing) return { kind: 'released' };
      if (existing.response_status === null) {
        return { kind: 'in-flight', requestHash: existing.request_hash };
      }
      return {
        kind: 'completed',
        requestHash: existing.request_hash,
        response: {
          status: existing.response_status,
          headers: existing.response_headers ?? {},
          body: existing.response_body ?? '',
        },
      };
    },

    async complete(ref, token, response: StoredResponse) {
      await db
        .updateTable('request_idempotency')
        .set({
          response_status: response.status,
          response_headers: JSON.stringify(response.headers),
          response_body: response.body,
        })
        .where('tenant_id', '=', ref.tenantId)
        .where('scope', '=', ref.scope)
        .where('idempotency_key', '=', ref.key)
        .where('claim_token', '=', token)
        .execute();
    },

    async release(ref, token) {
      await db
        .deleteFrom('request_idempotency')
        .where('tenant_id', '=', ref.tenantId)
        .where('scope', '=', ref.scope)
        .where('idempotency_key', '=', ref.key)
        .where('claim_token', '=', token)
        .where('response_status', 'is', null)
        .execute();
    },
  };
}
