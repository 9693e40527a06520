import { selectedDestination } from '../../domain/checkout-session/status.ts';
import type { CheckoutSession } from '../../domain/checkout-session/types.ts';
import type { OrderStatus } from '../../domain/order/status.ts';
import type { Order } from '../../domain/order/types.ts';
import { orderPermalink, toWireAddress } from './map.ts';
import { UCP_VERSION } from './version.ts';

/**
 * The part of a UCP order only the protocol holds, kept beside our order: the lines as the
 * checkout named them, the fulfillment expectations and the events and adjustments the
 * platform sent (as sent, unknown fields included). Status, totals and ids come from our order.
 */
export interface UcpOrderDocument {
  checkout_id: string;
  line_items: {
    id: string;
    item: { id: string; title: string; price: number };
    quantity: number;
    totals: { type: string; amount: number }[];
  }[];
  fulfillment: { expectations: Record<string, unknown>[]; events: Record<string, unknown>[] };
  adjustments: Record<string, unknown>[];
}

/** At completion: the order's lines (those of its seller) and the one shipping expectation. */
export function buildOrderDocument(session: CheckoutSession, order: Order): UcpOrderDocument {
  const variants = new Set(order.items.map((item) => item.variantId));
  const lines = session.lineItems.filter((line) => variants.has(line.variantId));
  const destination = selectedDestination(session);
  const method = session.fulfillment.methods[0];
  const group = method?.groups[0];
  const option = group?.options.find((o) => o.id === group.selectedOptionId);
  return {
    checkout_id: session.id,
    line_items: lines.map((line) => ({
      id: line.id,
      item: { id: line.sku, title: line.title, price: line.unitPriceCents },
      quantity: line.quantity,
      totals: [
        { type: 'subtotal', amount: line.totals.subtotalCents },
        { type: 'total', amount: line.totals.totalCents },
      ],
    })),
    fulfillment: {
      expectations: destination
        ? [
            {
              id: `exp_${order.id}`,
              line_items: lines.map((line) => ({ id: line.id, quantity: line.quantity })),
              method_type: 'shipping',
              destination: toWireAddress(destination),
              description: option?.title ?? 'Shipping',
            },
          ]
        : [],
      events: [],
    },
    adjustments: [],
  };
}

const SHIPPED: readonly OrderStatus[] = ['shipped', 'delivered', 'completed'];

/**
 * The UCP order: our order's status and totals over the stored document. Once our order is
 * shipped, a `shipped` event is shown if the platform recorded none, so that the event log
 * follows the lifecycle even when shipping was marked on our side.
 */
export function toUcpOrder(order: Order, document: UcpOrderDocument, baseUrl: string) {
  const shipped = SHIPPED.includes(order.status);
  const events = [...document.fulfillment.events];
  if (shipped && !events.some((event) => event.type === 'shipped')) {
    events.push({
      id: `ship_${order.id}`,
      occurred_at: order.updatedAt.toISOString(),
      type: 'shipped',
      line_items: document.line_items.map((line) => ({ id: line.id, quantity: line.quantity })),
    });
  }
  const totals = order.totals;
  return {
    ucp: {
      version: UCP_VERSION,
      status: 'success' as const,
      capabilities: { 'dev.ucp.shopping.order': [{ version: UCP_VERSION }] },
    },
    id: order.id,
    label: order.orderNumber,
    checkout_id: document.checkout_id,
    permalink_url: orderPermalink(baseUrl, order.id),
    line_items: document.line_items.map((line) => ({
      ...line,
      quantity: {
        original: line.quantity,
        total: line.quantity,
        fulfilled: shipped ? line.quantity : 0,
      },
      status:
        order.status === 'cancelled' || order.status === 'expired'
          ? 'removed'
          : shipped
            ? 'fulfilled'
            : 'processing',
    })),
    fulfillment: { expectations: document.fulfillment.expectations, events },
    adjustments: document.adjustments,
    currency: order.currency,
    totals: [
      { type: 'subtotal', amount: totals.subtotalCents },
      ...(totals.discountCents > 0 ? [{ type: 'discount', amount: -totals.discountCents }] : []),
      { type: 'fulfillment', amount: totals.shippingCents },
      ...(totals.taxCents > 0 ? [{ type: 'tax', amount: totals.taxCents }] : []),
      ...(totals.feeCents > 0 ? [{ type: 'fee', amount: totals.feeCents }] : []),
      { type: 'total', amount: totals.totalCents },
    ],
  };
}
