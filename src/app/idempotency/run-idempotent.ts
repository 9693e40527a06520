import type { Clock, IdGenerator } from '../ports.ts';
import type { IdempotencyKeyRef, IdempotencyStore, StoredResponse } from './ports.ts';

/** Keys are kept as long as the checkout's (24 h). */
export const IDEMPOTENCY_RETENTION_HOURS = 24;

export interface IdempotencyOptions {
  store: IdempotencyStore;
  clock: Clock;
  newId: IdGenerator;
  /** How long a second request with the same key waits for the first to finish. */
  waitMs?: number;
  pollMs?: number;
  /** An unfinished claim older than this is taken over (its process is presumed dead). */
  staleAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Keeps the answer of an executed request, or forgets the key (null: it failed). */
export type FinishIdempotent = (response: StoredResponse | null) => Promise<void>;

/** What to do with a request that carries an idempotency key. */
export type IdempotentStart =
  /** Run it, then `finish` with its answer. */
  | { kind: 'execute'; finish: FinishIdempotent }
  /** The same request ran before: answer this. */
  | { kind: 'replay'; response: StoredResponse }
  /** The key was used with another request. */
  | { kind: 'mismatch' }
  /** The same request is still running elsewhere after waiting for it. */
  | { kind: 'in-flight' };

export interface Idempotency {
  begin(ref: IdempotencyKeyRef, requestHash: string): Promise<IdempotentStart>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The payment-API semantics of the checkout, for any request: the same key and request replay
 * the first answer; the same key with another request is a mismatch; a concurrent request with
 * the same key waits for the first one's answer (up to `waitMs`, then in-flight). Only answers
 * worth keeping are stored: a failure forgets the key, so that a retry executes again, as the
 * checkout's rolled-back key does.
 */
export function createIdempotency(options: IdempotencyOptions): Idempotency {
  const waitMs = options.waitMs ?? 10_000;
  const pollMs = options.pollMs ?? 25;
  const staleAfterMs = options.staleAfterMs ?? 5 * 60_000;
  const sleep = options.sleep ?? defaultSleep;
  const { store } = options;

  return {
    async begin(ref, requestHash) {
      const token = options.newId();
      for (let waited = 0; ; ) {
        const now = options.clock.now();
        const outcome = await store.claim({
          ...ref,
          requestHash,
          token,
          now,
          expiresAt: new Date(now.getTime() + IDEMPOTENCY_RETENTION_HOURS * 3_600_000),
          staleBefore: new Date(now.getTime() - staleAfterMs),
        });
        if (outcome.kind === 'claimed') {
          return {
            kind: 'execute',
            finish: (response) =>
              response ? store.complete(ref, token, response) : store.release(ref, token),
          };
        }
        if (outcome.kind === 'released') continue;
        if (outcome.requestHash !== requestHash) return { kind: 'mismatch' };
        if (outcome.kind === 'completed') return { kind: 'replay', response: outcome.response };
        if (waited >= waitMs) return { kind: 'in-flight' };
        await sleep(pollMs);
        waited += pollMs;
      }
    },
  };
}
