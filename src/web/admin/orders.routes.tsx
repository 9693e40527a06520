import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ORDER_STATUSES, orderLifecycle } from '../../domain/order/status.ts';
import { renderPage } from '../html.tsx';
import { type OrderFilterForm, OrderPage, OrdersPage } from './orders.views.tsx';
import { badInput, field, html, pageHelpers, uuid } from './respond.tsx';
import type { AdminDeps } from './routes.tsx';

const day = z.union([z.literal(''), z.iso.date()]);
const ordersQuery = z.object({
  status: z.union([z.literal(''), z.enum(ORDER_STATUSES)]).default(''),
  sellerId: z.string().max(200).default(''),
  userId: z.string().max(200).default(''),
  from: day.default(''),
  to: day.default(''),
  limit: z.union([z.literal(''), z.string().regex(/^\d{1,3}$/)]).default(''),
  before: z.string().max(300).optional(),
});

/** Orders: the filtered list, one order, and its status buttons. */
export function registerOrderPages(app: FastifyInstance, deps: AdminDeps): void {
  const { ctxOf, common, refused, orRefuse } = pageHelpers();

  app.get('/admin/orders', async (request, reply) => {
    const parsed = ordersQuery.safeParse(request.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const name = String(issue?.path[0] ?? 'query');
      return refused(request, reply, badInput(`${name}: ${issue?.message}`, name), '/admin/orders');
    }
    const q = parsed.data;
    const ctx = ctxOf(request);
    const listed = orRefuse(
      request,
      reply,
      await deps.orders.listAllOrders(
        ctx,
        {
          status: q.status || undefined,
          sellerId: q.sellerId || undefined,
          userId: q.userId || undefined,
          createdFrom: q.from ? new Date(`${q.from}T00:00:00.000Z`) : undefined,
          createdTo: q.to ? new Date(Date.parse(`${q.to}T00:00:00.000Z`) + 86_400_000) : undefined,
        },
        { limit: q.limit ? Number(q.limit) : 20, before: q.before },
      ),
      '/admin/orders',
    );
    if (!listed.ok) return listed.sent;
    const filter: OrderFilterForm = {
      status: q.status,
      sellerId: q.sellerId,
      userId: q.userId,
      from: q.from,
      to: q.to,
      limit: q.limit,
    };
    const base = new URLSearchParams(Object.entries(filter).filter(([, value]) => value !== ''));
    const withCursor = (cursor: string) => {
      const params = new URLSearchParams(base);
      params.set('before', cursor);
      return `/admin/orders?${params}`;
    };
    return html(
      reply,
      renderPage(
        <OrdersPage
          {...common(request, reply)}
          filter={filter}
          orders={listed.value.items}
          nextUrl={listed.value.nextCursor ? withCursor(listed.value.nextCursor) : null}
          firstUrl={q.before ? `/admin/orders?${base}` : null}
        />,
      ),
    );
  });

  app.get(
    '/admin/orders/:id',
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const ctx = ctxOf(request);
      const { id } = request.params;
      if (!uuid.safeParse(id).success)
        return refused(request, reply, badInput('id: not an order id', 'id'), '/admin/orders');
      const order = orRefuse(
        request,
        reply,
        await deps.orders.getOrderAsStaff(ctx, id),
        '/admin/orders',
      );
      if (!order.ok) return order.sent;
      const [history, payments, events, session] = await Promise.all([
        deps.lifecycle.history(ctx, id),
        deps.operator.paymentsOfOrder(ctx, id),
        deps.operator.eventsOfOrder(ctx, id),
        deps.paymentWindow.getSession(ctx, id),
      ]);
      return html(
        reply,
        renderPage(
          <OrderPage
            {...common(request, reply)}
            order={order.value}
            nextStatuses={orderLifecycle.table[order.value.status]}
            history={history.ok ? history.value : []}
            payments={payments.ok ? payments.value : []}
            events={events.ok ? events.value : []}
            session={session.ok ? session.value : null}
          />,
        ),
      );
    },
  );

  app.post(
    '/admin/orders/:id/status',
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const { id } = request.params;
      const back = `/admin/orders/${encodeURIComponent(id)}`;
      if (!uuid.safeParse(id).success)
        return refused(request, reply, badInput('id: not an order id', 'id'), '/admin/orders');
      const reason = field(request.body, 'reason');
      const changed = orRefuse(
        request,
        reply,
        await deps.lifecycle.changeStatus(ctxOf(request), id, {
          newStatus: field(request.body, 'newStatus'),
          ...(reason ? { reason } : {}),
        }),
        back,
      );
      if (!changed.ok) return changed.sent;
      return reply.redirect(back, 303);
    },
  );
}
