import { createHmac } from 'node:crypto';
import type { EventSink } from '../../app/outbox/ports.ts';
import type { IdGenerator } from '../../app/ports.ts';
import type { EventEnvelope, OutboxEvent } from '../../domain/outbox.ts';
import type { SafeFetcher } from '../../outbound/safe-fetch.ts';

export type AcpOrderEventType = 'order_create' | 'order_update';
const PREFIX = 'acp.';

/** The outbox event of an ACP order webhook, written with the order's agent record. */
export function acpOrderEvent(input: {
  id: string;
  tenantId: string;
  orderId: string;
  type: AcpOrderEventType;
  webhookUrl: string;
  order: unknown;
  at: Date;
}): OutboxEvent {
  return {
    id: input.id,
    tenantId: input.tenantId,
    aggregateType: 'agent_order',
    aggregateId: input.orderId,
    type: `${PREFIX}${input.type}`,
    payload: { webhookUrl: input.webhookUrl, body: { type: input.type, data: input.order } },
    createdAt: input.at,
  };
}

/** `Merchant-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>`. */
export function merchantSignature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * ACP order webhooks go out through the outbox relay beside the configured sink: an `acp.*`
 * event is POSTed, signed at sending time, to the platform's order-events URL; every other
 * event goes on. Durable, in order per order, retried with the relay's backoff.
 */
export function withAcpOrderWebhooks(
  inner: EventSink,
  deps: { fetcher: SafeFetcher; secret: string; now: () => Date },
): EventSink {
  async function deliver(event: EventEnvelope) {
    const { webhookUrl, body } = event.data as { webhookUrl: string; body: unknown };
    const text = JSON.stringify(body);
    const t = Math.floor(deps.now().getTime() / 1000);
    // The URL is the merchant's own setting, not a caller's word: a receiver that is down is
    // retried (never parked) until it answers, so it gets every event, in order.
    const response = await deps.fetcher.fetch(webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'merchant-signature': merchantSignature(deps.secret, text, t),
        'request-id': event.id,
        timestamp: new Date(t * 1000).toISOString(),
      },
      body: text,
    });
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`ACP webhook ${webhookUrl} answered ${response.status}`);
    }
  }
  return {
    name: `${inner.name}+acp-webhooks`,
    publish: (event) => (event.type.startsWith(PREFIX) ? deliver(event) : inner.publish(event)),
    close: () => inner.close(),
  };
}

/** What an ACP order's agent record keeps beside the UCP view of it. */
export interface AcpOrderMarks {
  protocol: 'acp';
  acp_order: { line_items?: { quantity: { ordered: number; current: number } }[] } & Record<
    string,
    unknown
  >;
}

const isAcp = (
  document: Record<string, unknown>,
): document is Record<string, unknown> & AcpOrderMarks =>
  document.protocol === 'acp' && typeof document.acp_order === 'object';

/**
 * The `order_update` webhook of an order placed through ACP, once it ships (every line
 * fulfilled); undefined for an order of another protocol.
 */
export const acpShipmentEvents =
  (newId: IdGenerator) =>
  (input: {
    tenantId: string;
    orderId: string;
    document: Record<string, unknown>;
    webhookUrl: string;
    at: Date;
  }): OutboxEvent | undefined => {
    if (!isAcp(input.document)) return undefined;
    const order = input.document.acp_order;
    return acpOrderEvent({
      id: newId(),
      tenantId: input.tenantId,
      orderId: input.orderId,
      type: 'order_update',
      webhookUrl: input.webhookUrl,
      order: {
        ...order,
        status: 'shipped',
        line_items: (order.line_items ?? []).map((line) => ({
          ...line,
          quantity: { ...line.quantity, fulfilled: line.quantity.current },
          status: 'fulfilled',
        })),
      },
      at: input.at,
    });
  };
