import { type EventSink, UndeliverableEvent } from '../../app/outbox/ports.ts';
import type { IdGenerator } from '../../app/ports.ts';
import type { EventEnvelope, OutboxEvent } from '../../domain/outbox.ts';
import type { SafeFetcher } from '../../outbound/safe-fetch.ts';
import { UCP_VERSION } from './version.ts';

export type UcpOrderEventType = 'order_placed' | 'order_shipped';
const PREFIX = 'ucp.';

/**
 * The outbox event of a UCP order webhook, written in the transaction that records the change:
 * where to (the platform's webhook URL, from its profile), the UCP event type, and the whole
 * order as it is then.
 */
export function ucpOrderEvent(input: {
  id: string;
  tenantId: string;
  orderId: string;
  type: UcpOrderEventType;
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
    payload: { webhookUrl: input.webhookUrl, eventType: input.type, order: input.order },
    createdAt: input.at,
  };
}

export type NewUcpOrderEvent = (
  input: Omit<Parameters<typeof ucpOrderEvent>[0], 'id'>,
) => OutboxEvent;
export const ucpOrderEvents =
  (newId: IdGenerator): NewUcpOrderEvent =>
  (input) =>
    ucpOrderEvent({ ...input, id: newId() });

/**
 * A platform whose webhook address refuses connections has no receiver there: retrying every
 * few seconds would only deliver stale news whenever one appears, so the event is parked (and
 * can be sent again with `relay --unpark`). Errors from a receiver that is there (5xx,
 * timeouts, resets) are retried with the relay's backoff.
 */
async function refusedIsUndeliverable<T>(url: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    const code = (err as { code?: unknown; cause?: { code?: unknown } }).code;
    const cause = (err as { cause?: { code?: unknown } }).cause?.code;
    if (code === 'ECONNREFUSED' || cause === 'ECONNREFUSED') {
      throw new UndeliverableEvent(`nobody listens at ${url}`);
    }
    throw err;
  }
}

/**
 * UCP order webhooks go out through the outbox relay, beside the configured sink: a `ucp.*`
 * event is POSTed to the platform's URL with `X-Event-Type` and the order as the body (and
 * `Webhook-Id`, `Webhook-Timestamp` to de-duplicate on), through the outbound rules; every
 * other event goes to the configured sink. Durable, in order per order, retried like any event.
 */
export function withUcpOrderWebhooks(
  inner: EventSink,
  deps: { fetcher: SafeFetcher; baseUrl: string },
): EventSink {
  async function deliver(event: EventEnvelope) {
    const { webhookUrl, eventType, order } = event.data as {
      webhookUrl: string;
      eventType: UcpOrderEventType;
      order: unknown;
    };
    const response = await refusedIsUndeliverable(webhookUrl, () =>
      deps.fetcher.fetch(webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-event-type': eventType,
          'webhook-id': event.id,
          'webhook-timestamp': String(Math.floor(Date.parse(event.occurredAt) / 1000)),
          'ucp-agent': `profile="${deps.baseUrl}/.well-known/ucp"; version="${UCP_VERSION}"`,
        },
        body: JSON.stringify(order),
      }),
    );
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`UCP webhook ${webhookUrl} answered ${response.status}`);
    }
  }

  return {
    name: inner.name,
    publish: (event) => (event.type.startsWith(PREFIX) ? deliver(event) : inner.publish(event)),
    close: () => inner.close(),
  };
}
