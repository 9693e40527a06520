import type { Clock } from '../ports.ts';
import type { OrderSessionSweepStore } from './repository.ts';

export interface SweepOptions {
  batchSize: number;
  /** A bound on one run, so that a huge backlog cannot hold a worker forever. */
  maxBatches: number;
  /** Checked after each batch: true ends the run there (a worker being stopped). */
  shouldStop?: () => boolean;
}

/** Expires every open session past its expiry, batch by batch; returns how many it expired. */
export async function expireDueSessions(
  store: OrderSessionSweepStore,
  clock: Clock,
  options: SweepOptions = { batchSize: 500, maxBatches: 200 },
): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < options.maxBatches; batch++) {
    const expired = await store.expireDueSessions(clock.now(), options.batchSize);
    total += expired;
    if (expired < options.batchSize || options.shouldStop?.()) break;
  }
  return total;
}
