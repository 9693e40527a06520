import type { Insertable, Kysely, Selectable } from 'kysely';
import type { OrderStatus } from '../../domain/order/status.ts';
import type { Order } from '../../domain/order/types.ts';
import { type Adjustment, totalsFromAdjustments } from '../../domain/pricing/totals.ts';
import type { Database, OrderAdjustmentsTable, OrderItemsTable, OrdersTable } from './tables.ts';

/** An order as the rows that store it. */
export function orderToRows(order: Order) {
  const row: Insertable<OrdersTable> = {
    tenant_id: order.tenantId,
    id: order.id,
    order_number: order.orderNumber,
    checkout_id: order.checkoutId,
    user_id: order.userId,
    seller_id: order.sellerId,
    order_source: order.orderSource,
    status: order.status,
    currency: order.currency,
    subtotal_cents: order.totals.subtotalCents,
    adjustments_total_cents: order.totals.adjustmentsTotalCents,
    total_cents: order.totals.totalCents,
    shipping_address: JSON.stringify(order.shippingAddress),
    customer: JSON.stringify(order.customer),
    payment_method: order.paymentMethod,
    coupon_code: order.couponCode,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
  };
  const items: Insertable<OrderItemsTable>[] = order.items.map((item, index) => ({
    tenant_id: order.tenantId,
    order_id: order.id,
    line_no: index + 1,
    variant_id: item.variantId,
    sku: item.sku,
    name: item.name,
    unit_price_cents: item.unitPriceCents,
    quantity: item.quantity,
    line_total_cents: item.lineTotalCents,
  }));
  return { row, items, adjustments: adjustmentRows(order.tenantId, order.id, order.adjustments) };
}

export function adjustmentRows(
  tenantId: string,
  orderId: string,
  adjustments: readonly Adjustment[],
): Insertable<OrderAdjustmentsTable>[] {
  return adjustments.map((a, index) => ({
    tenant_id: tenantId,
    order_id: orderId,
    line_no: index + 1,
    kind: a.kind,
    label: a.label,
    amount_cents: a.amountCents,
    source_type: a.sourceType,
    source_id: a.sourceId,
  }));
}

/** The guarded status change every writer uses: only from `from`; false when elsewhere. */
export async function setOrderStatus(
  db: Kysely<Database>,
  change: { tenantId: string; orderId: string; from: OrderStatus; to: OrderStatus; now: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('orders')
    .set((eb) => ({ status: change.to, updated_at: change.now, version: eb('version', '+', 1) }))
    .where('tenant_id', '=', change.tenantId)
    .where('id', '=', change.orderId)
    .where('status', '=', change.from)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

function rowsToOrder(
  row: Selectable<OrdersTable>,
  items: Selectable<OrderItemsTable>[],
  adjustments: Selectable<OrderAdjustmentsTable>[],
): Order {
  const orderAdjustments = adjustments.map((a) => ({
    kind: a.kind,
    label: a.label,
    amountCents: a.amount_cents,
    sourceType: a.source_type,
    sourceId: a.source_id,
  }));
  return {
    id: row.id,
    tenantId: row.tenant_id,
    orderNumber: row.order_number,
    checkoutId: row.checkout_id,
    userId: row.user_id,
    sellerId: row.seller_id,
    orderSource: row.order_source,
    status: row.status,
    currency: row.currency,
    items: items.map((item) => ({
      variantId: item.variant_id,
      sku: item.sku,
      name: item.name,
      unitPriceCents: item.unit_price_cents,
      quantity: item.quantity,
      lineTotalCents: item.line_total_cents,
    })),
    adjustments: orderAdjustments,
    totals: totalsFromAdjustments(row.subtotal_cents, orderAdjustments),
    shippingAddress: row.shipping_address,
    customer: row.customer,
    paymentMethod: row.payment_method,
    couponCode: row.coupon_code,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Completes order rows of one tenant with their items and adjustments: two queries in all. */
export async function withLines(
  db: Kysely<Database>,
  tenantId: string,
  rows: Selectable<OrdersTable>[],
): Promise<Order[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [items, adjustments] = await Promise.all([
    db
      .selectFrom('order_items')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('order_id', 'in', ids)
      .orderBy('order_id')
      .orderBy('line_no')
      .execute(),
    db
      .selectFrom('order_adjustments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('order_id', 'in', ids)
      .orderBy('order_id')
      .orderBy('line_no')
      .execute(),
  ]);
  const itemsByOrder = groupBy(items, (item) => item.order_id);
  const adjustmentsByOrder = groupBy(adjustments, (a) => a.order_id);
  return rows.map((row) =>
    rowsToOrder(row, itemsByOrder.get(row.id) ?? [], adjustmentsByOrder.get(row.id) ?? []),
  );
}

function groupBy<T>(values: readonly T[], key: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) {
    const k = key(value);
    const group = groups.get(k);
    if (group) group.push(value);
    else groups.set(k, [value]);
  }
  return groups;
}

/** Orders read back from JSON (a stored idempotent result) get their dates back. */
export function reviveOrder(json: Order): Order {
  return { ...json, createdAt: new Date(json.createdAt), updatedAt: new Date(json.updatedAt) };
}
