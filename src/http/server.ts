import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { CatalogService } from '../app/catalog/service.ts';
import type { PlaceOrder } from '../app/checkout/place-order.ts';
import type { SubmitSession } from '../app/checkout/submit-session.ts';
import type { MerchantDataService } from '../app/checkout-sessions/merchant-data.ts';
import type { OrderSessionService } from '../app/order-sessions/service.ts';
import type { OrderLifecycle } from '../app/orders/lifecycle.ts';
import type { OrderQueries } from '../app/orders/queries.ts';
import type { PaymentWindow } from '../app/payments/payment-window.ts';
import type { PricingService } from '../app/pricing/service.ts';
import { type CallerAuthOptions, callerHeadersDoc, requireCaller } from './caller-auth.ts';
import { installErrorHandling } from './error-handler.ts';
import { healthRoutes } from './health.routes.ts';
import { merchantDataRoutes } from './merchant-data.routes.ts';
import { installMetrics, type Metrics } from './metrics.ts';
import { orderLifecycleRoutes } from './order-lifecycle.routes.ts';
import { orderRoutes } from './orders.routes.ts';
import { paymentRoutes } from './payments.routes.ts';
import { pricingRoutes } from './pricing.routes.ts';
import { productRoutes } from './products.routes.ts';
import { type SandboxDeps, sandboxRoutes } from './sandbox.routes.ts';
import { sessionRoutes } from './sessions.routes.ts';
import { type ReceiveWebhook, webhookRoutes } from './webhook.routes.ts';

export interface ServerDeps {
  sessions: OrderSessionService;
  submitSession: SubmitSession;
  catalog: CatalogService;
  placeOrder: PlaceOrder;
  orders: OrderQueries;
  lifecycle: OrderLifecycle;
  pricing: PricingService;
  paymentWindow: PaymentWindow;
  receiveWebhook: ReceiveWebhook;
  sandbox: SandboxDeps;
  metrics: Metrics;
  store: string;
  ping: () => Promise<void>;
  pendingMigrations: () => Promise<string[]>;
  auth: CallerAuthOptions;
  /** Per user and minute; absent: no limit. */
  rateLimits?: { ordersPerMinute: number; retriesPerMinute: number };
  bodyLimitBytes?: number;
  /** Request logs go here; none when absent (tests). */
  logger?: FastifyBaseLogger;
  /** Agent checkout sessions' shipping rates, promotions and address book (admin API). */
  merchantData?: MerchantDataService;
}

/**
 * JSON is the only body we take (anything else is 415). The raw text is kept for signatures.
 * Many clients send `content-type: application/json` with an empty body on a POST that needs
 * none (begin, cancel); that counts as no body rather than as malformed JSON.
 */
function acceptOnlyJson(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.decorateRequest('rawBody', undefined);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    request.rawBody = text;
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    void parseJson(request, text, done);
  });
}

/** Rate limits count per tenant and user, so that one buyer cannot starve the others. */
const perUser = (request: FastifyRequest) =>
  request.ctx ? `${request.ctx.tenantId}:${request.ctx.userId}` : `ip:${request.ip}`;

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: deps.bodyLimitBytes ?? 64 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  acceptOnlyJson(app);
  // Once closing, answers ask keep-alive clients to go: otherwise a busy connection would
  // hold the shutdown until its keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
  });
  await app.register(fastifyRateLimit, { global: false, keyGenerator: perUser });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'ordersession',
        description:
          'Order and checkout sessions. Every /api request (but the payment webhook) comes through a trusted gateway ' +
          'that sets these headers, or is a signed service call: ' +
          Object.entries(callerHeadersDoc)
            .map(([name, text]) => `${name}: ${text}`)
            .join(' '),
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          gatewayKey: { type: 'apiKey', in: 'header', name: 'x-gateway-key' },
          userId: { type: 'apiKey', in: 'header', name: 'x-user-id' },
          serviceAuth: { type: 'apiKey', in: 'header', name: 'x-service-auth' },
        },
      },
      security: [{ gatewayKey: [], userId: [] }, { serviceAuth: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api-docs' });
  installMetrics(app, deps.metrics);

  await app.register(healthRoutes, {
    store: deps.store,
    ping: deps.ping,
    pendingMigrations: deps.pendingMigrations,
  });
  await app.register(webhookRoutes, { prefix: '/api', receive: deps.receiveWebhook });
  await app.register(sandboxRoutes, deps.sandbox);
  await app.register(
    async (api) => {
      requireCaller(api, deps.auth);
      const limit = (max: number | undefined) =>
        max === undefined ? undefined : { max, timeWindow: 60_000 };
      const orderLimit = limit(deps.rateLimits?.ordersPerMinute);
      const retryLimit = limit(deps.rateLimits?.retriesPerMinute);
      await api.register(sessionRoutes, {
        sessions: deps.sessions,
        submitSession: deps.submitSession,
        submitRateLimit: orderLimit,
      });
      await api.register(productRoutes, { catalog: deps.catalog });
      await api.register(orderRoutes, {
        placeOrder: deps.placeOrder,
        orders: deps.orders,
        rateLimit: orderLimit,
      });
      await api.register(orderLifecycleRoutes, { lifecycle: deps.lifecycle });
      await api.register(pricingRoutes, { pricing: deps.pricing });
      await api.register(paymentRoutes, {
        paymentWindow: deps.paymentWindow,
        rateLimit: retryLimit,
      });
      if (deps.merchantData)
        await api.register(merchantDataRoutes, { merchantData: deps.merchantData });
    },
    { prefix: '/api' },
  );
  return app;
}
