import { requestHash } from './checkout/request-hash.ts';

/**
 * Idempotent agent requests (UCP create, update, complete, cancel): the first answer to a key
 * is stored and replayed byte for byte to the same request; the same key with another request
 * is a conflict. Keys are per tenant and kept 24 hours. Kept small and in one file on purpose:
 * the generic request-idempotency port of the HTTP API has the same shape and can replace it.
 */
export const AGENT_IDEMPOTENCY_HOURS = 24;
/** A claim whose request never finished (a crash) is taken over after this long. */
export const AGENT_IDEMPOTENCY_STALE_MS = 2 * 60_000;

export interface StoredAnswer {
  status: number;
  body: string;
}

export type AgentClaim =
  | { kind: 'claimed' }
  | { kind: 'completed'; requestHash: string; answer: StoredAnswer }
  | { kind: 'in-flight'; requestHash: string };

export interface AgentIdempotencyStore {
  /** Takes the key (new, expired or stale) or says what holds it. */
  claim(request: {
    tenantId: string;
    key: string;
    operation: string;
    requestHash: string;
    now: Date;
    expiresAt: Date;
    staleBefore: Date;
  }): Promise<AgentClaim>;
  complete(tenantId: string, key: string, answer: StoredAnswer): Promise<void>;
  release(tenantId: string, key: string): Promise<void>;
}

export type IdempotentOutcome =
  | { kind: 'answered'; answer: StoredAnswer; replayed: boolean }
  | { kind: 'conflict'; reason: 'different_request' | 'in_flight' };

export function agentRequestHash(operation: string, resource: string, body: unknown): string {
  return requestHash({ operation, resource, body: body ?? null });
}

/**
 * Runs `execute` once per key: a success (2xx) is stored and replayed; a failure releases the
 * key, so that the request can be retried with it once its cause is fixed.
 */
export async function runIdempotent(
  store: AgentIdempotencyStore,
  request: { tenantId: string; key: string; operation: string; requestHash: string; now: Date },
  execute: () => Promise<StoredAnswer>,
): Promise<IdempotentOutcome> {
  const claim = await store.claim({
    ...request,
    expiresAt: new Date(request.now.getTime() + AGENT_IDEMPOTENCY_HOURS * 3_600_000),
    staleBefore: new Date(request.now.getTime() - AGENT_IDEMPOTENCY_STALE_MS),
  });
  if (claim.kind === 'completed') {
    return claim.requestHash === request.requestHash
      ? { kind: 'answered', answer: claim.answer, replayed: true }
      : { kind: 'conflict', reason: 'different_request' };
  }
  if (claim.kind === 'in-flight') {
    return {
      kind: 'conflict',
      reason: claim.requestHash === request.requestHash ? 'in_flight' : 'different_request',
    };
  }
  let answer: StoredAnswer;
  try {
    answer = await execute();
  } catch (err) {
    await store.release(request.tenantId, request.key);
    throw err;
  }
  if (answer.status >= 200 && answer.status < 300) {
    await store.complete(request.tenantId, request.key, answer);
  } else {
    await store.release(request.tenantId, request.key);
  }
  return { kind: 'answered', answer, replayed: false };
}
