/** An event written in the same transaction as the change it describes, relayed later. */
export interface OutboxEvent {
  id: string;
  tenantId: string;
  aggregateType: 'order' | 'payment_session' | 'order_session' | 'agent_order';
  aggregateId: string;
  type: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/** What every sink delivers, the same on each: the outbox id is the id to de-duplicate on. */
export interface EventEnvelope {
  id: string;
  type: string;
  tenantId: string;
  aggregateType: string;
  aggregateId: string;
  /** ISO 8601. */
  occurredAt: string;
  data: Record<string, unknown>;
}

export function toEnvelope(event: OutboxEvent): EventEnvelope {
  return {
    id: event.id,
    type: event.type,
    tenantId: event.tenantId,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    occurredAt: event.createdAt.toISOString(),
    data: event.payload,
  };
}

export interface RetryPolicy {
  baseMs: number;
  capMs: number;
  /** After this many failed attempts the event is parked (dead-lettered), never dropped. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 1_000, capMs: 5 * 60_000, maxAttempts: 10 };

/**
 * When to try a failed delivery again: capped exponential backoff with full jitter, the one
 * place it is computed. `attempts` counts failures so far (1 after the first); `random` in [0, 1).
 */
export function nextAttemptDelayMs(attempts: number, policy: RetryPolicy, random: number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.floor(ceiling * random);
}
