import type { AgentOrderStore } from '../../app/agent-orders.ts';
import type { Clock } from '../../app/ports.ts';
import type { Order } from '../../domain/order/types.ts';
import type { OutboxEvent } from '../../domain/outbox.ts';
import { toUcpOrder, type UcpOrderDocument } from './order-map.ts';
import type { NewUcpOrderEvent } from './webhooks.ts';

/**
 * Once our order is shipped: a `shipped` fulfillment event in its UCP record and, in the same
 * transaction, the `order_shipped` webhook to the platform. Only the first time: a second call
 * finds the event there and changes nothing.
 */
export async function recordShipment(
  deps: {
    agentOrders: AgentOrderStore;
    newEvent: NewUcpOrderEvent;
    clock: Clock;
    baseUrl: string;
    /** The webhook of an order placed through another protocol (ACP), when it is one. */
    protocolEvent?: (input: {
      tenantId: string;
      orderId: string;
      document: Record<string, unknown>;
      webhookUrl: string;
      at: Date;
    }) => OutboxEvent | undefined;
  },
  order: Order,
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const record = await deps.agentOrders.find(order.tenantId, order.id);
    if (!record) return;
    const document = record.document as unknown as UcpOrderDocument;
    if (document.fulfillment.events.some((event) => event.type === 'shipped')) return;
    const now = deps.clock.now();
    const next: UcpOrderDocument = {
      ...document,
      fulfillment: {
        ...document.fulfillment,
        events: [
          ...document.fulfillment.events,
          {
            id: `ship_${order.id}`,
            occurred_at: now.toISOString(),
            type: 'shipped',
            line_items: document.line_items.map((line) => ({
              id: line.id,
              quantity: line.quantity,
            })),
          },
        ],
      },
    };
    const event = record.webhookUrl
      ? (deps.protocolEvent?.({
          tenantId: order.tenantId,
          orderId: order.id,
          document: record.document,
          webhookUrl: record.webhookUrl,
          at: now,
        }) ??
        deps.newEvent({
          tenantId: order.tenantId,
          orderId: order.id,
          type: 'order_shipped',
          webhookUrl: record.webhookUrl,
          order: toUcpOrder(order, next, deps.baseUrl),
          at: now,
        }))
      : undefined;
    const saved = await deps.agentOrders.replaceDocument(
      order.tenantId,
      order.id,
      { ...next },
      record.version,
      now,
      event,
    );
    if (saved) return;
  }
}
