import type { AgentOrderStore } from '../../app/agent-orders.ts';
import type { OrderReadRepository } from '../../app/orders/repository.ts';
import type { EventSink } from '../../app/outbox/ports.ts';
import type { EventEnvelope } from '../../domain/outbox.ts';
import type { SafeFetcher } from '../../outbound/safe-fetch.ts';
import { UCP_USER_PREFIX } from './agent-auth.ts';
import { toUcpOrder, type UcpOrderDocument } from './order-map.ts';
import { UCP_VERSION } from './version.ts';

/** How long after placement an order of a UCP agent may still lack its UCP record (written just after). */
const RECORD_GRACE_MS = 60_000;

/** Our order events that a UCP platform hears about, as UCP's event types. */
export function ucpEventType(event: EventEnvelope): 'order_placed' | 'order_shipped' | null {
  if (event.aggregateType !== 'order') return null;
  if (event.type === 'order.created') return 'order_placed';
  if (event.type === 'order.status_changed' && event.data.to === 'shipped') return 'order_shipped';
  return null;
}

/**
 * UCP order webhooks, through the outbox relay: an order event of a UCP order is delivered to
 * the platform's webhook URL (from its profile) with `X-Event-Type` and the whole order, in UCP
 * shape, as the body; durable, in order per order and retried like every outbox event. Other
 * events go to the configured sink only. A delivery failure fails the event, which is then
 * retried whole (so the configured sink may see it twice; the event id de-duplicates).
 */
export function withUcpOrderWebhooks(
  inner: EventSink,
  deps: {
    agentOrders: AgentOrderStore;
    orders: OrderReadRepository;
    fetcher: SafeFetcher;
    baseUrl: string;
    now: () => Date;
  },
): EventSink {
  async function deliver(event: EventEnvelope, type: 'order_placed' | 'order_shipped') {
    const record = await deps.agentOrders.find(event.tenantId, event.aggregateId);
    if (!record) {
      // The order of a UCP agent gets its record right after the order commits: wait for it.
      const byUcpAgent = String(event.data.userId ?? '').startsWith(`${UCP_USER_PREFIX}:`);
      const young = deps.now().getTime() - Date.parse(event.occurredAt) < RECORD_GRACE_MS;
      if (type === 'order_placed' && byUcpAgent && young) {
        throw new Error(`UCP order ${event.aggregateId} not recorded yet`);
      }
      return;
    }
    if (!record.webhookUrl) return;
    const order = await deps.orders.findOrder(event.tenantId, event.aggregateId);
    if (!order) return;
    const body = JSON.stringify(
      toUcpOrder(order, record.document as unknown as UcpOrderDocument, deps.baseUrl),
    );
    const response = await deps.fetcher.fetch(record.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-event-type': type,
        'webhook-id': event.id,
        'webhook-timestamp': String(Math.floor(Date.parse(event.occurredAt) / 1000)),
        'ucp-agent': `profile="${deps.baseUrl}/.well-known/ucp"; version="${UCP_VERSION}"`,
      },
      body,
    });
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`UCP webhook ${record.webhookUrl} answered ${response.status}`);
    }
  }

  return {
    name: `${inner.name}+ucp-webhooks`,
    async publish(event) {
      await inner.publish(event);
      const type = ucpEventType(event);
      if (type) await deliver(event, type);
    },
    close: () => inner.close(),
  };
}
