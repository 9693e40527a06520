import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { CatalogService } from '../../app/catalog/service.ts';
import type { OperatorQueries } from '../../app/operator/queries.ts';
import type { OrderLifecycle } from '../../app/orders/lifecycle.ts';
import type { OrderQueries } from '../../app/orders/queries.ts';
import type { PaymentWindow } from '../../app/payments/payment-window.ts';
import type { Clock } from '../../app/ports.ts';
import type { PricingService } from '../../app/pricing/service.ts';
import { renderPage } from '../html.tsx';
import { LoginPage } from './layout.tsx';
import { registerOrderPages } from './orders.routes.tsx';
import { field, html } from './respond.tsx';
import {
  type ConsoleSession,
  endSession,
  isTenantId,
  keyMatches,
  readSession,
  startSession,
} from './session.ts';
import { registerCatalogAndSettingsPages } from './settings.routes.tsx';

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
  app.get('/admin', async (_request, reply) => reply.redirect('/admin/orders', 303));

  app.post('/admin/logout', async (_request, reply) => {
    endSession(reply);
    return reply.redirect('/admin/login', 303);
  });

  registerOrderPages(app, deps);
  registerCatalogAndSettingsPages(app, deps);
}
