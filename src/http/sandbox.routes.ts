import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OrderReadRepository } from '../app/orders/repository.ts';
import { viewSession } from '../app/payments/payment-window.ts';
import type { PaymentStore } from '../app/payments/ports.ts';
import type { Clock, IdGenerator } from '../app/ports.ts';
import { sandboxWebhook } from '../providers/sandbox.ts';
import { pickLocale } from '../web/i18n.ts';
import { sandboxPage } from '../web/sandbox.views.tsx';

export interface SandboxDeps {
  payments: PaymentStore;
  orders: OrderReadRepository;
  clock: Clock;
  newId: IdGenerator;
  webhookSecret: string;
  /** The buyer's order page (a path), where the page's buttons lead back; absent: this page. */
  returnTo?: (tenantId: string, orderId: string) => string;
}

const params = z.object({
  tenantId: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/),
  paymentId: z.uuid(),
});

/**
 * The sandbox provider's payment page. Whoever has the link may pay: it is a sandbox. Pressing
 * a button sends our own webhook endpoint a signed event, exactly as a real provider would.
 */
export const sandboxRoutes: FastifyPluginAsyncZod<SandboxDeps> = async (app, deps) => {
  // The page's buttons are plain HTML forms; their (empty) bodies carry nothing we read.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, _body, done) => {
      done(null, undefined);
    },
  );
  app.get('/sandbox/pay/:tenantId/:paymentId', {
    schema: { tags: ['sandbox'], summary: 'The sandbox payment page (HTML)', params, hide: true },
    handler: async (request, reply) => {
      const { tenantId, paymentId } = request.params;
      const payment = await deps.payments.findPayment(tenantId, paymentId);
      const order = payment ? await deps.orders.findOrder(tenantId, payment.orderId) : null;
      const session = payment
        ? await deps.payments.findSessionByOrder(tenantId, payment.orderId)
        : null;
      const now = deps.clock.now();
      const locale = pickLocale(request.headers['accept-language']);
      reply.type('text/html; charset=utf-8');
      if (!payment || !order) return reply.code(404).send(sandboxPage({ kind: 'missing', locale }));
      return sandboxPage({
        locale,
        returnUrl: deps.returnTo?.(tenantId, order.id),
        kind: 'payment',
        payment,
        order,
        session: session ? viewSession(session, now) : null,
        now,
        actionBase: `/sandbox/pay/${encodeURIComponent(tenantId)}/${paymentId}`,
      });
    },
  });

  app.post('/sandbox/pay/:tenantId/:paymentId/:outcome', {
    schema: {
      tags: ['sandbox'],
      summary: 'Press "pay", "fail" or "cancel" on the sandbox page',
      params: params.extend({ outcome: z.enum(['succeed', 'fail', 'cancel']) }),
      hide: true,
    },
    handler: async (request, reply) => {
      const { tenantId, paymentId, outcome } = request.params;
      const back = async () => {
        const payment = deps.returnTo ? await deps.payments.findPayment(tenantId, paymentId) : null;
        return reply.redirect(
          payment && deps.returnTo
            ? deps.returnTo(tenantId, payment.orderId)
            : `/sandbox/pay/${encodeURIComponent(tenantId)}/${paymentId}`,
          303,
        );
      };
      // Cancel: the buyer leaves the provider's page; no outcome is reported.
      if (outcome === 'cancel') return back();
      const { rawBody, headers } = sandboxWebhook(
        deps.webhookSecret,
        {
          id: `evt_${deps.newId()}`,
          outcome: outcome === 'succeed' ? 'succeeded' : 'failed',
          tenantId,
          paymentId,
        },
        deps.clock.now(),
      );
      const delivered = await app.inject({
        method: 'POST',
        url: '/api/payments/webhook',
        headers: { 'content-type': 'application/json', ...headers },
        payload: rawBody,
      });
      request.log.info(
        { paymentId, outcome, status: delivered.statusCode },
        'sandbox webhook delivered',
      );
      return back();
    },
  });
};
