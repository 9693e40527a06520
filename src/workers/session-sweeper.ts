import type { Logger } from 'pino';
import { expireDueSessions } from '../app/order-sessions/expire-sessions.ts';
import type { OrderSessionSweepStore } from '../app/order-sessions/repository.ts';
import type { Clock } from '../app/ports.ts';
import { type IntervalWorker, startIntervalWorker } from './interval-worker.ts';

/** Marks order sessions past their expiry EXPIRED; any number of instances may run it. */
export function startSessionSweeper(deps: {
  store: OrderSessionSweepStore;
  clock: Clock;
  intervalSeconds: number;
  logger: Logger;
  onExpired?: (count: number) => void;
}): IntervalWorker {
  return startIntervalWorker({
    name: 'session-sweeper',
    intervalMs: deps.intervalSeconds * 1000,
    runOnce: async (shouldStop) => {
      const expired = await expireDueSessions(deps.store, deps.clock, {
        batchSize: 500,
        maxBatches: 200,
        shouldStop,
      });
      deps.onExpired?.(expired);
      return expired;
    },
    logger: deps.logger,
  });
}
