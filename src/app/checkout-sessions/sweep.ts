import type { Clock } from '../ports.ts';
import type { CheckoutSessionStore } from './ports.ts';

export const CHECKOUT_SWEEP_BATCH = 500;

/**
 * Deletes expired checkout sessions in batches until none is left (each batch claims its rows
 * with SKIP LOCKED, so any number of instances may sweep at once). Expired sessions are already
 * gone for every caller; this only reclaims their rows. DynamoDB relies on its TTL instead.
 */
export async function sweepExpiredCheckoutSessions(
  store: CheckoutSessionStore,
  clock: Clock,
  batch = CHECKOUT_SWEEP_BATCH,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await store.sweepExpired(clock.now(), batch);
    total += deleted;
    if (deleted < batch) return total;
  }
}
