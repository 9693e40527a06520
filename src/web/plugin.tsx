import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { type AdminDeps, adminRoutes } from './admin/routes.tsx';
import { cookieSecret } from './admin/session.ts';
import { Layout, renderPage } from './html.tsx';
import { type PayRoutesDeps, payRoutes } from './pay.routes.tsx';

export interface WebDeps {
  pay: PayRoutesDeps;
  admin: AdminDeps;
}

/** web/static: the stylesheet and the scripts, served as they are (no build step). */
export const STATIC_ROOT = join(import.meta.dirname, '../../web/static');

/**
 * Strict by default: our own scripts and styles only, forms post only to us, no framing, and no
 * Referer (the payment page's URL carries its token).
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/** The pages a person uses: the buyer's payment page and the operator console. */
export const webPlugin: FastifyPluginAsync<WebDeps> = async (app, deps) => {
  // Pages, not API: kept out of the OpenAPI document.
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
  });
  await app.register(fastifyStatic, { root: STATIC_ROOT, prefix: '/static/' });
  await app.register(fastifyCookie, { secret: cookieSecret(deps.admin.adminKey) });
  await app.register(fastifyFormbody, { bodyLimit: 16 * 1024 });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'os_csrf',
    cookieOpts: {
      signed: true,
      httpOnly: true,
      sameSite: 'strict',
      path: '/admin',
      secure: deps.admin.secureCookies,
    },
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });
  // Errors on a page are pages: a refused CSRF token is a 403 page, not JSON.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'web page failed');
    const title =
      error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET'
        ? 'This form has expired or did not come from this site'
        : status >= 500
          ? 'Something went wrong'
          : 'Request refused';
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(
        renderPage(
          <Layout title={title}>
            <article class="card" id="error-page">
              <h1>{title}</h1>
              {request.url.startsWith('/admin') ? (
                <p>
                  <a href="/admin">Back to the console</a>
                </p>
              ) : null}
            </article>
          </Layout>,
        ),
      );
  });
  await app.register(payRoutes, deps.pay);
  await app.register(adminRoutes, deps.admin);
};
