import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { CatalogService } from '../app/catalog/service.ts';
import type { PlaceOrder } from '../app/checkout/place-order.ts';
import type { SubmitSession } from '../app/checkout/submit-session.ts';
import type { OrderSessionService } from '../app/order-sessions/service.ts';
import type { OrderQueries } from '../app/orders/queries.ts';
import type { PaymentWindow } from '../app/payments/payment-window.ts';
import type { PricingService } from '../app/pricing/service.ts';
import { installErrorHandling } from './error-handler.ts';
import { gatewayHeadersDoc, requireGateway } from './gateway-auth.ts';
import { healthRoutes } from './health.routes.ts';
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
  pricing: PricingService;
  paymentWindow: PaymentWindow;
  receiveWebhook: ReceiveWebhook;
  sandbox: SandboxDeps;
  store: string;
  ping: () => Promise<void>;
  gatewayKey: string;
  defaultTenantId: string;
  bodyLimitBytes?: number;
  /** Request logs go here; none when absent (tests). */
  logger?: FastifyBaseLogger;
}

/**
 * JSON is the only body we take (anything else is 415). Many clients send
 * `content-type: application/json` with an empty body on a POST that needs none (begin,
 * cancel); that counts as no body rather than as malformed JSON.
 */
function acceptOnlyJson(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    void parseJson(request, text, done);
  });
}

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
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'ordersession',
        description:
          'Order and checkout sessions. Every /api request comes through a trusted gateway that sets these headers: ' +
          Object.entries(gatewayHeadersDoc)
            .map(([name, text]) => `${name}: ${text}`)
            .join(' '),
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          gatewayKey: { type: 'apiKey', in: 'header', name: 'x-gateway-key' },
          userId: { type: 'apiKey', in: 'header', name: 'x-user-id' },
        },
      },
      security: [{ gatewayKey: [], userId: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api-docs' });

  await app.register(healthRoutes, { store: deps.store, ping: deps.ping });
  await app.register(webhookRoutes, { prefix: '/api', receive: deps.receiveWebhook });
  await app.register(sandboxRoutes, deps.sandbox);
  await app.register(
    async (api) => {
      requireGateway(api, { gatewayKey: deps.gatewayKey, defaultTenantId: deps.defaultTenantId });
      await api.register(sessionRoutes, {
        sessions: deps.sessions,
        submitSession: deps.submitSession,
      });
      await api.register(productRoutes, { catalog: deps.catalog });
      await api.register(orderRoutes, { placeOrder: deps.placeOrder, orders: deps.orders });
      await api.register(pricingRoutes, { pricing: deps.pricing });
      await api.register(paymentRoutes, { paymentWindow: deps.paymentWindow });
    },
    { prefix: '/api' },
  );
  return app;
}
