import {
  DEFAULT_RETRY,
  nextAttemptDelayMs,
  type RetryPolicy,
  toEnvelope,
} from '../../domain/outbox.ts';
import type { Clock } from '../ports.ts';
import {
  type ClaimedEvent,
  type DeliveryOutcome,
  type EventSink,
  type OutboxStore,
  UndeliverableEvent,
} from './ports.ts';

export interface RelayOptions {
  batchSize: number;
  /** A bound on one run, so that a flood of events cannot hold a worker forever. */
  maxBatches: number;
  retry: RetryPolicy;
  random?: () => number;
  /** Checked after each batch: true ends the run there (a worker being stopped). */
  shouldStop?: () => boolean;
}

export const DEFAULT_RELAY: RelayOptions = {
  batchSize: 100,
  maxBatches: 100,
  retry: DEFAULT_RETRY,
};

export interface RelayRun {
  published: number;
  /** Failed and scheduled for another attempt. */
  failed: number;
  /** Failed for the last allowed time: parked, shown in metrics, never dropped. */
  parked: number;
}

/**
 * Relays outbox events to the sink until none is deliverable (or the run's bound), at least
 * once: an event is marked published only after the sink acknowledged it. The events of one
 * batch head different aggregates, so they are sent concurrently without reordering any.
 */
export async function relayOutbox(
  deps: { store: OutboxStore; sink: EventSink; clock: Clock },
  options: RelayOptions = DEFAULT_RELAY,
): Promise<RelayRun> {
  const run: RelayRun = { published: 0, failed: 0, parked: 0 };
  const random = options.random ?? Math.random;
  for (let batch = 0; batch < options.maxBatches; batch++) {
    const now = deps.clock.now();
    const claimed = await deps.store.relayBatch(now, options.batchSize, async (events) => {
      const settled = await Promise.allSettled(
        events.map((event) => deps.sink.publish(toEnvelope(event))),
      );
      return events.map((event, i) => outcomeOf(event, settled[i], now, options.retry, random()));
    });
    let published = 0;
    for (const result of claimed.outcomes) {
      if (result.published) published++;
      else if (result.park) run.parked++;
      else run.failed++;
    }
    run.published += published;
    // A batch holds one event per order, so a short batch does not mean the outbox is drained:
    // go on while events get out; stop when none was deliverable or none got through (a sink
    // that is down is not hammered; failures wait for their next attempt time).
    if (published === 0 || options.shouldStop?.()) break;
  }
  return run;
}

function outcomeOf(
  event: ClaimedEvent,
  result: PromiseSettledResult<void> | undefined,
  now: Date,
  retry: RetryPolicy,
  random: number,
): DeliveryOutcome {
  if (result?.status === 'fulfilled') return { id: event.id, published: true };
  const attempts = event.attempts + 1;
  const reason = result?.status === 'rejected' ? result.reason : 'not delivered';
  const error = reason instanceof Error ? reason.message : String(reason);
  return {
    id: event.id,
    published: false,
    error: error.slice(0, 1000),
    nextAttemptAt: new Date(now.getTime() + nextAttemptDelayMs(attempts, retry, random)),
    park: attempts >= retry.maxAttempts || reason instanceof UndeliverableEvent,
  };
}
