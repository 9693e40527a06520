import type { Clock } from '../ports.ts';
import type { PaymentStore } from './ports.ts';

export interface PaymentExpiryOptions {
  batchSize: number;
  maxBatches: number;
  /** Minutes before expiry at which `payment_session.expiring` is written, once. */
  warnBeforeMinutes: number;
  /** Checked after each batch: true ends the run there (a worker being stopped). */
  shouldStop?: () => boolean;
}

export const DEFAULT_PAYMENT_EXPIRY: PaymentExpiryOptions = {
  batchSize: 1000,
  maxBatches: 1000,
  warnBeforeMinutes: 5,
};

/** One run of the expiry worker: warns of windows about to close, then expires the overdue. */
export async function runPaymentExpiry(
  store: PaymentStore,
  clock: Clock,
  options: PaymentExpiryOptions = DEFAULT_PAYMENT_EXPIRY,
): Promise<{ warned: number; expired: number }> {
  let warned = 0;
  let expired = 0;
  for (let batch = 0; batch < options.maxBatches; batch++) {
    const count = await store.warnExpiring(
      clock.now(),
      options.warnBeforeMinutes,
      options.batchSize,
    );
    warned += count;
    if (count < options.batchSize || options.shouldStop?.()) break;
  }
  for (let batch = 0; batch < options.maxBatches; batch++) {
    const count = await store.expireSessions(clock.now(), options.batchSize);
    expired += count;
    if (count < options.batchSize || options.shouldStop?.()) break;
  }
  return { warned, expired };
}
