import type { OutboxEntry } from '../../app/operator/ports.ts';
import type { PaymentSessionView } from '../../app/payments/payment-window.ts';
import type { StatusChange } from '../../domain/order/history.ts';
import { ORDER_STATUSES, type OrderStatus } from '../../domain/order/status.ts';
import type { Order } from '../../domain/order/types.ts';
import type { Payment } from '../../domain/payment/types.ts';
import { AdminLayout, Csrf, money, when } from './layout.tsx';

export interface OrderFilterForm {
  status: string;
  sellerId: string;
  userId: string;
  from: string;
  to: string;
  limit: string;
}

export function OrdersPage(props: {
  csrf: string;
  tenantId: string;
  filter: OrderFilterForm;
  orders: Order[];
  /** The next (older) page's URL; null on the last page. */
  nextUrl: string | null;
  firstUrl: string | null;
}) {
  const { filter } = props;
  return (
    <AdminLayout title="Orders" csrf={props.csrf} tenantId={props.tenantId}>
      <form method="get" action="/admin/orders" class="card filters" aria-label="Filter orders">
        <div>
          <label for="f-status">Status</label>
          <select id="f-status" name="status">
            <option value="">any</option>
            {ORDER_STATUSES.map((status) => (
              <option value={status} selected={filter.status === status}>
                {status}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-seller">Seller</label>
          <input id="f-seller" name="sellerId" value={filter.sellerId} />
        </div>
        <div>
          <label for="f-user">Buyer</label>
          <input id="f-user" name="userId" value={filter.userId} />
        </div>
        <div>
          <label for="f-from">Placed from</label>
          <input id="f-from" name="from" type="date" value={filter.from} />
        </div>
        <div>
          <label for="f-to">Placed to</label>
          <input id="f-to" name="to" type="date" value={filter.to} />
        </div>
        {filter.limit ? <input type="hidden" name="limit" value={filter.limit} /> : null}
        <div>
          <button type="submit">Filter</button>
        </div>
      </form>
      <div class="table-scroll">
        <table id="orders">
          <caption class="visually-hidden">Orders, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Status</th>
              <th scope="col">Buyer</th>
              <th scope="col">Seller</th>
              <th scope="col" class="num">
                Total
              </th>
              <th scope="col">Placed</th>
            </tr>
          </thead>
          <tbody>
            {props.orders.map((order) => (
              <tr data-order-id={order.id}>
                <td>
                  <a href={`/admin/orders/${order.id}`}>{order.orderNumber}</a>
                </td>
                <td>{order.status}</td>
                <td>{order.userId}</td>
                <td>{order.sellerId ?? 'house brand'}</td>
                <td class="num">{money(order.totals.totalCents, order.currency)}</td>
                <td>{when(order.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.orders.length === 0 ? <p class="muted">No orders match.</p> : null}
      <nav class="pager" aria-label="Pages">
        {props.firstUrl ? <a href={props.firstUrl}>Newest</a> : null}
        {props.nextUrl ? (
          <a href={props.nextUrl} rel="next" id="next-page">
            Older orders
          </a>
        ) : null}
      </nav>
    </AdminLayout>
  );
}

export function OrderPage(props: {
  csrf: string;
  tenantId: string;
  order: Order;
  /** The statuses the lifecycle table allows from the order's: one button each. */
  nextStatuses: readonly OrderStatus[];
  history: StatusChange[];
  payments: Payment[];
  session: PaymentSessionView | null;
  events: OutboxEntry[];
}) {
  const { order } = props;
  return (
    <AdminLayout title={`Order ${order.orderNumber}`} csrf={props.csrf} tenantId={props.tenantId}>
      <section class="card" aria-labelledby="summary">
        <h2 id="summary">Summary</h2>
        <p>
          Status <strong id="order-status">{order.status}</strong> · buyer {order.userId} · seller{' '}
          {order.sellerId ?? 'house brand'} · placed {when(order.createdAt)}
        </p>
        {props.nextStatuses.length > 0 ? (
          <form method="post" action={`/admin/orders/${order.id}/status`} id="status-form">
            <Csrf token={props.csrf} />
            <div class="field">
              <label for="reason">Reason (optional)</label>
              <input id="reason" name="reason" maxLength={500} />
            </div>
            <div class="actions">
              {props.nextStatuses.map((status) => (
                <button type="submit" name="newStatus" value={status} data-status={status}>
                  Mark {status}
                </button>
              ))}
            </div>
          </form>
        ) : (
          <p class="muted">No status change is possible from {order.status}.</p>
        )}
      </section>
      <section class="card" aria-labelledby="items">
        <h2 id="items">Items and adjustments</h2>
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">SKU</th>
                <th scope="col" class="num">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {order.items.map((item) => (
                <tr>
                  <td>
                    {item.name} × {item.quantity}
                  </td>
                  <td>{item.sku}</td>
                  <td class="num">{money(item.lineTotalCents, order.currency)}</td>
                </tr>
              ))}
              {order.adjustments.map((adjustment) => (
                <tr>
                  <td>{adjustment.label}</td>
                  <td>{adjustment.sourceType}</td>
                  <td class="num">{money(adjustment.amountCents, order.currency)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={2}>
                  Total
                </th>
                <td class="num">{money(order.totals.totalCents, order.currency)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      </section>
      <section class="card" aria-labelledby="payments">
        <h2 id="payments">Payment window and attempts</h2>
        {props.session ? (
          <p>
            Window {props.session.status}, closes {when(props.session.expiresAt)} · attempt{' '}
            {props.session.paymentAttempts} of {props.session.maxPaymentAttempts}
          </p>
        ) : (
          <p class="muted">No payment window.</p>
        )}
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Attempt</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Amount
                </th>
                <th scope="col">Reason</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {props.payments.map((payment) => (
                <tr>
                  <td>{payment.attempt}</td>
                  <td>{payment.status}</td>
                  <td class="num">{money(payment.amountCents, payment.currency)}</td>
                  <td>{payment.failureReason ?? ''}</td>
                  <td>{when(payment.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="card" aria-labelledby="history">
        <h2 id="history">Status history</h2>
        <div class="table-scroll">
          <table id="history-table">
            <thead>
              <tr>
                <th scope="col">At</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">By</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {props.history.map((change) => (
                <tr>
                  <td>{when(change.at)}</td>
                  <td>{change.from ?? '—'}</td>
                  <td>{change.to}</td>
                  <td>
                    {change.actorType} {change.actorId}
                  </td>
                  <td>{change.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="card" aria-labelledby="events">
        <h2 id="events">Outbox events</h2>
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Written</th>
                <th scope="col">Delivery</th>
              </tr>
            </thead>
            <tbody>
              {props.events.map((event) => (
                <tr>
                  <td>{event.type}</td>
                  <td>{when(event.createdAt)}</td>
                  <td>{deliveryOf(event)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </AdminLayout>
  );
}

export function deliveryOf(event: OutboxEntry): string {
  if (event.publishedAt) return `published ${when(event.publishedAt)}`;
  if (event.parkedAt) return `parked after ${event.attempts} attempts`;
  return event.attempts > 0 ? `retrying (${event.attempts} failed)` : 'pending';
}
