import type { Logger } from 'pino';
import {
  DEFAULT_PAYMENT_EXPIRY,
  runPaymentExpiry,
} from '../app/payments/expire-payment-sessions.ts';
import type { PaymentStore } from '../app/payments/ports.ts';
import type { Clock } from '../app/ports.ts';
import { type IntervalWorker, startIntervalWorker } from './interval-worker.ts';

/** Expires overdue payment windows and releases their stock; safe with many instances. */
export function startPaymentExpiry(deps: {
  store: PaymentStore;
  clock: Clock;
  intervalSeconds: number;
  warnBeforeMinutes: number;
  logger: Logger;
  onExpired?: (count: number) => void;
}): IntervalWorker {
  return startIntervalWorker({
    name: 'payment-expiry',
    intervalMs: deps.intervalSeconds * 1000,
    runOnce: async (shouldStop) => {
      const { warned, expired } = await runPaymentExpiry(deps.store, deps.clock, {
        ...DEFAULT_PAYMENT_EXPIRY,
        warnBeforeMinutes: deps.warnBeforeMinutes,
        shouldStop,
      });
      if (warned > 0)
        deps.logger.info({ worker: 'payment-expiry', warned }, `payment-expiry: ${warned} warned`);
      deps.onExpired?.(expired);
      return expired;
    },
    logger: deps.logger,
  });
}
