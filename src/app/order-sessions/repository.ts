import type {
  OrderSessionCreateInput,
  OrderSessionPatchInput,
  OrderSessionRecord,
} from '../../domain/order-session/types.ts';

/**
 * Where order sessions live. Every read and write names its tenant. Writes are conditional so
 * that concurrent writers cannot lose each other's changes.
 */
export interface OrderSessionRepository {
  getById(tenantId: string, id: string): Promise<OrderSessionRecord | null>;
  /**
   * The user's open session (not SUBMITTED, CANCELLED or EXPIRED), even if it is past its
   * expiry and not yet swept. The name is historical: Discord was the first channel, and the
   * user id is whatever id the channel gives its user.
   */
  getActiveByDiscordUser(tenantId: string, userId: string): Promise<OrderSessionRecord | null>;
  /** Creates the session; null when the user already has an open one (a unique constraint). */
  create(input: OrderSessionCreateInput): Promise<OrderSessionRecord | null>;
  /**
   * Applies the patch if the stored version still equals `expectedVersion`, bumping it;
   * null when it does not (another writer won) or the session is gone.
   */
  update(
    tenantId: string,
    id: string,
    expectedVersion: number,
    patch: OrderSessionPatchInput,
  ): Promise<OrderSessionRecord | null>;
}

/** The sweeper's view: across tenants, in batches, safe with many instances at once. */
export interface OrderSessionSweepStore {
  /** Marks up to `limit` open sessions whose expiry is at or before `now` EXPIRED; the count. */
  expireDueSessions(now: Date, limit: number): Promise<number>;
}
