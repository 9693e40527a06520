/**
 * A generic store of idempotent requests: one row per tenant, scope and key, holding the hash of
 * the request that claimed it and, once that request finished, its answer to replay.
 * Any channel reuses it: the HTTP API scopes keys by caller, method and route; another binding
 * may pick its own scope and its own answer to a mismatch.
 */
export interface IdempotencyKeyRef {
  tenantId: string;
  /** Who and what the key is for, e.g. `user-1|POST /api/sessions/:id/items`. */
  scope: string;
  key: string;
}

/** An answer as it was sent, replayed byte for byte. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotencyClaimRequest extends IdempotencyKeyRef {
  requestHash: string;
  /** Identifies this claim, so that only its holder completes or releases it. */
  token: string;
  now: Date;
  expiresAt: Date;
  /** An unfinished claim taken before this is presumed dead (its process crashed) and taken over. */
  staleBefore: Date;
}

export type IdempotencyClaimOutcome =
  | { kind: 'claimed' }
  | { kind: 'completed'; requestHash: string; response: StoredResponse }
  | { kind: 'in-flight'; requestHash: string }
  /** The holder released it between our attempt and our look: try again. */
  | { kind: 'released' };

export interface IdempotencyStore {
  /** Takes the key (new, expired or stale), or tells what holds it; one statement, race-free. */
  claim(request: IdempotencyClaimRequest): Promise<IdempotencyClaimOutcome>;
  /** Stores the answer of the claim `token`; a no-op when the claim was taken over. */
  complete(ref: IdempotencyKeyRef, token: string, response: StoredResponse): Promise<void>;
  /** Forgets the claim `token`, so that a retry executes afresh. */
  release(ref: IdempotencyKeyRef, token: string): Promise<void>;
}
