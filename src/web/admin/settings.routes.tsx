import type { FastifyInstance, FastifyRequest } from 'fastify';
import { renderPage } from '../html.tsx';
import { ProductsPage } from './catalog.views.tsx';
import { OutboxPage } from './outbox.views.tsx';
import { PricingPage } from './pricing.views.tsx';
import { badInput, field, html, pageHelpers, uuid, wholeNumber } from './respond.tsx';
import type { AdminDeps } from './routes.tsx';

/** Products and stock, parked outbox events, pricing settings and coupons. */
export function registerCatalogAndSettingsPages(app: FastifyInstance, deps: AdminDeps): void {
  const { ctxOf, common, refused, orRefuse } = pageHelpers();

  app.get(
    '/admin/products',
    async (request: FastifyRequest<{ Querystring: { after?: string } }>, reply) => {
      const listed = orRefuse(
        request,
        reply,
        await deps.catalog.search(ctxOf(request), {
          status: 'any',
          limit: 50,
          cursor: request.query.after,
        }),
        '/admin/products',
      );
      if (!listed.ok) return listed.sent;
      const next = listed.value.nextCursor;
      return html(
        reply,
        renderPage(
          <ProductsPage
            {...common(request, reply)}
            products={listed.value.items.flatMap((product) => product.variants)}
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
