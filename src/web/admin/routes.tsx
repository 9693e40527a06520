import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CatalogService } from '../../app/catalog/service.ts';
import type { RequestContext } from '../../app/context.ts';
import type { OperatorQueries } from '../../app/operator/queries.ts';
import type { OrderLifecycle } from '../../app/orders/lifecycle.ts';
import type { OrderQueries } from '../../app/orders/queries.ts';
import type { PaymentWindow } from '../../app/payments/payment-window.ts';
import type { Clock } from '../../app/ports.ts';
import type { PricingService } from '../../app/pricing/service.ts';
import type { DomainError } from '../../domain/errors.ts';
import { ORDER_STATUSES, orderLifecycle } from '../../domain/order/status.ts';
import type { Result } from '../../domain/result.ts';
import { HTTP_STATUS } from '../../http/error-status.ts';
import { renderPage } from '../html.tsx';
import { ProductsPage } from './catalog.views.tsx';
import { LoginPage, ProblemPage } from './layout.tsx';
import { type OrderFilterForm, OrderPage, OrdersPage } from './orders.views.tsx';
import { OutboxPage } from './outbox.views.tsx';
import { PricingPage } from './pricing.views.tsx';
import {
  type ConsoleSession,
  endSession,
  isTenantId,
  keyMatches,
  operatorContext,
  readSession,
  startSession,
} from './session.ts';

export interface AdminDeps {
  adminKey: string;
  defaultTenantId: string;
  /** Cookies get `Secure` when the service is reached over https. */
  secureCookies: boolean;
  clock: Clock;
  orders: OrderQueries;
  lifecycle: OrderLifecycle;
  paymentWindow: PaymentWindow;
  catalog: CatalogService;
  pricing: PricingService;
  operator: OperatorQueries;
}

declare module 'fastify' {
  interface FastifyRequest {
    consoleSession?: ConsoleSession;
  }
}

type Form = Record<string, string | string[] | undefined>;
const field = (body: unknown, name: string): string => {
  const value = (body as Form | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
};

const uuid = z.uuid();
const wholeNumber = z
  .string()
  .regex(/^\d{1,12}$/, 'must be a whole number')
  .transform(Number);
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

const html = (reply: FastifyReply, page: string) =>
  reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);

/**
 * The operator console, `/admin`. Sign-in with the admin key starts a cookie session for one
 * tenant; every page needs it, every form carries a CSRF token, and every action calls the
 * same use case as the API with an admin's request context, so the same checks apply.
 */
export const adminRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  const now = () => deps.clock.now();

  app.get(
    '/admin/login',
    async (request: FastifyRequest<{ Querystring: { next?: string } }>, reply) =>
      html(
        reply,
        renderPage(
          <LoginPage
            csrf={reply.generateCsrf()}
            defaultTenant={deps.defaultTenantId}
            next={safeNext(request.query.next)}
          />,
        ),
      ),
  );

  // A key guessed by trial gets 20 tries a minute per address.
  const loginLimit = { rateLimit: { max: 20, timeWindow: 60_000 } };
  app.post(
    '/admin/login',
    { preHandler: app.csrfProtection, config: loginLimit },
    async (request, reply) => {
      const key = field(request.body, 'key');
      const tenant = field(request.body, 'tenant') || deps.defaultTenantId;
      if (!keyMatches(deps.adminKey, key) || !isTenantId(tenant)) {
        reply.code(401);
        return html(
          reply,
          renderPage(
            <LoginPage
              csrf={reply.generateCsrf()}
              defaultTenant={isTenantId(tenant) ? tenant : deps.defaultTenantId}
              next={safeNext(field(request.body, 'next'))}
              problem="Wrong admin key (or tenant id)."
            />,
          ),
        );
      }
      startSession(reply, tenant, now(), deps.secureCookies);
      return reply.redirect(safeNext(field(request.body, 'next')), 303);
    },
  );

  await app.register(async (signedIn) => {
    signedIn.addHook('onRequest', async (request, reply) => {
      const session = readSession(request, now());
      if (session) {
        request.consoleSession = session;
        return;
      }
      if (request.method === 'GET') {
        return reply.redirect(`/admin/login?next=${encodeURIComponent(request.url)}`, 303);
      }
      reply.code(401);
      return html(
        reply,
        renderPage(
          <LoginPage
            csrf={reply.generateCsrf()}
            defaultTenant={deps.defaultTenantId}
            next="/admin/orders"
            problem="Please sign in."
          />,
        ),
      );
    });
    // Every POST past sign-in carries the form's CSRF token, checked once the body is parsed.
    signedIn.addHook('preHandler', (request, reply, done) => {
      if (request.method !== 'POST') {
        done();
        return;
      }
      signedIn.csrfProtection(request, reply, done);
    });
    registerPages(signedIn, deps);
  });
};

/** Only paths of the console itself; anything else could send a signed-in operator elsewhere. */
function safeNext(next: string | undefined): string {
  return next && /^\/admin(\/[A-Za-z0-9/_?=&%.-]*)?$/.test(next) && !next.startsWith('//')
    ? next
    : '/admin/orders';
}

function registerPages(app: Parameters<FastifyPluginAsync>[0], deps: AdminDeps): void {
  const ctxOf = (request: FastifyRequest): RequestContext => {
    if (!request.consoleSession) throw new Error('console page without a session');
    return operatorContext(request.consoleSession);
  };
  const common = (request: FastifyRequest, reply: FastifyReply) => ({
    csrf: reply.generateCsrf(),
    tenantId: ctxOf(request).tenantId,
  });
  function refused(request: FastifyRequest, reply: FastifyReply, error: DomainError, back: string) {
    reply.code(HTTP_STATUS[error.code]);
    return html(
      reply,
      renderPage(
        <ProblemPage
          {...common(request, reply)}
          code={error.code}
          message={error.message}
          back={back}
        />,
      ),
    );
  }
  /** A use case's result: its value, or the refusal page (and the caller returns it). */
  function orRefuse<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    result: Result<T>,
    back: string,
  ): { ok: true; value: T } | { ok: false; sent: FastifyReply } {
    return result.ok ? result : { ok: false, sent: refused(request, reply, result.error, back) };
  }
  const badInput = (message: string, field: string): DomainError => ({
    code: 'VALIDATION_FAILED',
    message,
    details: { field },
  });

  app.get('/admin', async (_request, reply) => reply.redirect('/admin/orders', 303));

  app.post('/admin/logout', async (_request, reply) => {
    endSession(reply);
    return reply.redirect('/admin/login', 303);
  });

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

  app.get(
    '/admin/products',
    async (request: FastifyRequest<{ Querystring: { after?: string } }>, reply) => {
      const listed = orRefuse(
        request,
        reply,
        await deps.catalog.listProducts(ctxOf(request), { limit: 50, after: request.query.after }),
        '/admin/products',
      );
      if (!listed.ok) return listed.sent;
      const next = listed.value.nextCursor;
      return html(
        reply,
        renderPage(
          <ProductsPage
            {...common(request, reply)}
            products={listed.value.items}
            nextUrl={next ? `/admin/products?after=${encodeURIComponent(next)}` : null}
          />,
        ),
      );
    },
  );

  app.post(
    '/admin/products/:id/stock',
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const onHand = wholeNumber.safeParse(field(request.body, 'onHand'));
      if (!onHand.success)
        return refused(
          request,
          reply,
          badInput('onHand: must be a whole number', 'onHand'),
          '/admin/products',
        );
      const set = orRefuse(
        request,
        reply,
        await deps.catalog.setStock(ctxOf(request), request.params.id, onHand.data),
        '/admin/products',
      );
      if (!set.ok) return set.sent;
      return reply.redirect('/admin/products', 303);
    },
  );

  app.get('/admin/outbox', async (request, reply) => {
    const parked = orRefuse(
      request,
      reply,
      await deps.operator.parkedEvents(ctxOf(request)),
      '/admin/orders',
    );
    if (!parked.ok) return parked.sent;
    return html(
      reply,
      renderPage(<OutboxPage {...common(request, reply)} parked={parked.value} />),
    );
  });

  app.post(
    '/admin/outbox/:id/unpark',
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      if (!uuid.safeParse(request.params.id).success)
        return refused(request, reply, badInput('id: not an event id', 'id'), '/admin/outbox');
      const done = orRefuse(
        request,
        reply,
        await deps.operator.unparkEvent(ctxOf(request), request.params.id),
        '/admin/outbox',
      );
      if (!done.ok) return done.sent;
      return reply.redirect('/admin/outbox', 303);
    },
  );

  app.get('/admin/pricing', async (request, reply) => {
    const ctx = ctxOf(request);
    const settings = orRefuse(request, reply, await deps.pricing.getSettings(ctx), '/admin/orders');
    if (!settings.ok) return settings.sent;
    const coupons = orRefuse(request, reply, await deps.operator.coupons(ctx), '/admin/orders');
    if (!coupons.ok) return coupons.sent;
    return html(
      reply,
      renderPage(
        <PricingPage
          {...common(request, reply)}
          settings={settings.value}
          coupons={coupons.value}
        />,
      ),
    );
  });

  app.post('/admin/pricing/settings', async (request, reply) => {
    const numbers = ['taxRateBp', 'feeRateBp', 'shippingFlatCents'] as const;
    const values: Record<string, number> = {};
    for (const name of numbers) {
      const parsed = wholeNumber.safeParse(field(request.body, name));
      if (!parsed.success)
        return refused(
          request,
          reply,
          badInput(`${name}: must be a whole number`, name),
          '/admin/pricing',
        );
      values[name] = parsed.data;
    }
    const saved = orRefuse(
      request,
      reply,
      await deps.pricing.updateSettings(ctxOf(request), {
        taxRateBp: values.taxRateBp ?? 0,
        feeRateBp: values.feeRateBp ?? 0,
        shippingFlatCents: values.shippingFlatCents ?? 0,
        // The use case validates it against the rounding modes.
        roundingMode: field(request.body, 'roundingMode') as 'half_up',
      }),
      '/admin/pricing',
    );
    if (!saved.ok) return saved.sent;
    return reply.redirect('/admin/pricing', 303);
  });

  app.post('/admin/pricing/coupons', async (request, reply) => {
    const optionalNumber = (name: string) => {
      const text = field(request.body, name);
      return text === '' ? undefined : Number(text);
    };
    const kind = field(request.body, 'kind');
    const currency = field(request.body, 'currency');
    const created = orRefuse(
      request,
      reply,
      await deps.pricing.createCoupon(ctxOf(request), {
        code: field(request.body, 'code'),
        // The use case validates kind and the numbers, naming the wrong field.
        kind: kind as 'percent',
        ...(kind === 'percent' ? { percentBp: optionalNumber('percentBp') } : {}),
        ...(kind === 'fixed'
          ? { amountCents: optionalNumber('amountCents'), ...(currency ? { currency } : {}) }
          : {}),
        minSubtotalCents: optionalNumber('minSubtotalCents') ?? 0,
      }),
      '/admin/pricing',
    );
    if (!created.ok) return created.sent;
    return reply.redirect('/admin/pricing', 303);
  });
}
