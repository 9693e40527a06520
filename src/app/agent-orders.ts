import type { OutboxEvent } from '../domain/outbox.ts';

/**
 * What an agent protocol keeps beside one of our orders: the protocol's own view of it (a JSON
 * document the channel owns: its lines, fulfillment events, adjustments as the platform sent
 * them), and where the platform wants order webhooks.
 */
export interface AgentOrderRecord {
  tenantId: string;
  orderId: string;
  checkoutId: string;
  webhookUrl: string | null;
  document: Record<string, unknown>;
  version: number;
}

/**
 * Writes come with the event that tells the platform (its webhook), in the same transaction:
 * the outbox relay delivers it, durably and in order per order.
 */
export interface AgentOrderStore {
  /** Records the order once; a second call (a replayed completion) keeps the first record and writes no event. */
  insert(record: Omit<AgentOrderRecord, 'version'>, now: Date, event?: OutboxEvent): Promise<void>;
  find(tenantId: string, orderId: string): Promise<AgentOrderRecord | null>;
  /** Replaces the document if it is still at `expectedVersion`; false when another write won. */
  replaceDocument(
    tenantId: string,
    orderId: string,
    document: Record<string, unknown>,
    expectedVersion: number,
    now: Date,
    event?: OutboxEvent,
  ): Promise<boolean>;
}
