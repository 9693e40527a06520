import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { BuyerPage } from '../app/payments/buyer-page.ts';
import type { PayLinks } from '../app/payments/pay-link.ts';
import type { Clock } from '../app/ports.ts';
import { renderFragment, renderPage } from './html.tsx';
import { errorKey, pickLocale, translator } from './i18n.ts';
import { InvalidLinkPage, PayPage, PayPanel, panelVersion, secondsLeft } from './pay.views.tsx';

export interface PayRoutesDeps {
  buyerPage: BuyerPage;
  payLinks: PayLinks;
  clock: Clock;
  /** The API's per-user retry limit, here per address. */
  retryRateLimit?: { max: number; timeWindow: number } | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type PayRequest = FastifyRequest<{
  Params: { orderId: string };
  Querystring: { t?: string };
  Body: { t?: string } | undefined;
}>;

/**
 * The buyer's payment page, `/pay/<orderId>?t=<token>`. The signed token is the capability: a
 * tampered, foreign or expired one gets the same plain "link not valid" page, never an order.
 * `/state` is what the page polls (the server's time and a re-rendered panel); `/retry` is the
 * API's retry for the order's buyer, with the token in the form body (a page on another site
 * cannot know it, so it is also the form's CSRF token).
 */
export const payRoutes: FastifyPluginAsync<PayRoutesDeps> = async (app, deps) => {
  const localeOf = (request: FastifyRequest) => pickLocale(request.headers['accept-language']);

  function granted(request: PayRequest, token: string | undefined): string | null {
    const { orderId } = request.params;
    if (!token || !UUID.test(orderId)) return null;
    return deps.payLinks.verify(token, orderId, deps.clock.now())?.tenantId ?? null;
  }

  function invalid(request: FastifyRequest, reply: FastifyReply) {
    const locale = localeOf(request);
    return reply
      .code(404)
      .type('text/html; charset=utf-8')
      .send(renderPage(<InvalidLinkPage locale={locale} t={translator(locale)} />));
  }

  async function page(request: PayRequest, reply: FastifyReply, token: string, problem?: string) {
    const tenantId = granted(request, token);
    const view = tenantId ? await deps.buyerPage.view(tenantId, request.params.orderId) : null;
    if (!view) return invalid(request, reply);
    const locale = localeOf(request);
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        renderPage(
          <PayPage
            view={view}
            locale={locale}
            t={translator(locale)}
            token={token}
            problem={problem}
          />,
        ),
      );
  }

  app.get('/pay/:orderId', async (request: PayRequest, reply) =>
    page(request, reply, request.query.t ?? ''),
  );

  app.get('/pay/:orderId/state', async (request: PayRequest, reply) => {
    const token = request.query.t ?? '';
    const tenantId = granted(request, token);
    const view = tenantId ? await deps.buyerPage.view(tenantId, request.params.orderId) : null;
    reply.header('cache-control', 'no-store');
    if (!view) return reply.code(404).send({ valid: false });
    const locale = localeOf(request);
    return {
      valid: true,
      state: view.state,
      version: panelVersion(view),
      now: view.now.toISOString(),
      expiresAt: view.session?.expiresAt.toISOString() ?? null,
      secondsLeft: secondsLeft(view),
      panel: renderFragment(
        <PayPanel view={view} locale={locale} t={translator(locale)} token={token} />,
      ),
    };
  });

  app.post(
    '/pay/:orderId/retry',
    deps.retryRateLimit ? { config: { rateLimit: deps.retryRateLimit } } : {},
    async (request: PayRequest, reply) => {
      const token = request.body?.t ?? '';
      const tenantId = granted(request, token);
      if (!tenantId) return invalid(request, reply);
      const userAgent = request.headers['user-agent'];
      const result = await deps.buyerPage.retry(tenantId, request.params.orderId, {
        ip: request.ip,
        ...(userAgent ? { userAgent: userAgent.slice(0, 300) } : {}),
      });
      if (result.ok) {
        return reply.redirect(`/pay/${request.params.orderId}?t=${encodeURIComponent(token)}`, 303);
      }
      reply.code(409);
      return page(
        request,
        reply,
        token,
        translator(localeOf(request))(errorKey(result.error.code)),
      );
    },
  );
};
