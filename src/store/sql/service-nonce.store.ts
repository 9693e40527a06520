import type { Kysely } from 'kysely';
import type { ServiceNonceStore } from '../../app/service-signature.ts';
import type { Database } from './tables.ts';

const PRUNE_EVERY_MS = 60_000;
const PRUNE_BATCH = 1000;

/**
 * Service-call nonces in the database, shared by every instance. A nonce is claimed with one
 * statement: inserted, or taken over if its earlier use has expired; a live one is left alone
 * and the claim fails. Expired rows are deleted in batches, at most once a minute per instance.
 */
export function createSqlServiceNonceStore(db: Kysely<Database>): ServiceNonceStore {
  let lastPrune = 0;

  async function prune(now: Date): Promise<void> {
    if (now.getTime() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now.getTime();
    await db
      .deleteFrom('service_nonces')
      .where('nonce', 'in', (sub) =>
        sub
          .selectFrom('service_nonces')
          .select('nonce')
          .where('expires_at', '<=', now)
          .limit(PRUNE_BATCH),
      )
      .execute();
  }

  return {
    async claim(nonce, serviceName, expiresAt, now) {
      await prune(now);
      const claimed = await db
        .insertInto('service_nonces')
        .values({ nonce, service_name: serviceName, expires_at: expiresAt })
        .onConflict((conflict) =>
          conflict
            .column('nonce')
            .doUpdateSet({ service_name: serviceName, expires_at: expiresAt })
            .where('service_nonces.expires_at', '<=', now),
        )
        .returning('nonce')
        .executeTakeFirst();
      return claimed !== undefined;
    },
  };
}
