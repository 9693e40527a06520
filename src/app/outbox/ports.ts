import type { EventEnvelope, OutboxEvent } from '../../domain/outbox.ts';

export interface ClaimedEvent extends OutboxEvent {
  /** Failed deliveries so far. */
  attempts: number;
}

export type DeliveryOutcome =
  | { id: string; published: true }
  | { id: string; published: false; error: string; nextAttemptAt: Date; park: boolean };

export interface OutboxStore {
  /**
   * In one transaction: claims up to `limit` deliverable events (unpublished, not parked, due,
   * and first of their aggregate still unpublished, so that an aggregate's events go out in
   * order even with several relays), skipping rows another relay holds; hands them to
   * `deliver`; records each outcome; commits. A crash before the commit leaves them unclaimed.
   */
  relayBatch(
    now: Date,
    limit: number,
    deliver: (events: ClaimedEvent[]) => Promise<DeliveryOutcome[]>,
  ): Promise<{ outcomes: DeliveryOutcome[] }>;
  /** Deletes published events older than `before`, up to `limit`; how many. */
  prunePublished(before: Date, limit: number): Promise<number>;
  /** Puts parked events back in line (an operator's retry after fixing the consumer). */
  unparkAll(now: Date): Promise<number>;
}

/** Where events go: a broker, a webhook, the log. */
export interface EventSink {
  readonly name: string;
  /** Resolves once the broker has the event (acknowledged, confirmed, 2xx); rejects otherwise. */
  publish(event: EventEnvelope): Promise<void>;
  close(): Promise<void>;
}

/**
 * A delivery that retrying will not fix soon (nobody listens at the address): the event is
 * parked at once (kept, and sent again after `relay --unpark`) instead of being retried.
 */
export class UndeliverableEvent extends Error {}
