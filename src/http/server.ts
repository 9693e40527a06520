import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { CatalogService } from '../app/catalog/service.ts';
import type { PlaceOrder } from '../app/checkout/place-order.ts';
import type { SubmitSession } from '../app/checkout/submit-session.ts';
import type { MerchantDataService } from '../app/checkout-sessions/merchant-data.ts';
import type { Idempotency } from '../app/idempotency/run-idempotent.ts';
import type { OrderSessionService } from '../app/order-sessions/service.ts';
import type { OrderLifecycle } from '../app/orders/lifecycle.ts';
import type { OrderQueries } from '../app/orders/queries.ts';
import type { PaymentWindow } from '../app/payments/payment-window.ts';
import type { PricingService } from '../app/pricing/service.ts';
import { discordAdminRoutes } from '../channels/discord/admin.routes.ts';
import type { DiscordChannel } from '../channels/discord/channel.ts';
import { discordInteractionRoutes } from '../channels/discord/routes.ts';
import { type WebDeps, webPlugin } from '../web/plugin.tsx';
import { type CallerAuthOptions, requireCaller } from './caller-auth.ts';
import { DEFAULT_HTTP_TIMEOUTS, edgeServerOptions, type HttpTimeouts } from './client-errors.ts';
import { installDrain } from './drain.ts';
import { installErrorHandling } from './error-handler.ts';
import { healthRoutes } from './health.routes.ts';
import { installIdempotency } from './idempotency.ts';
import { merchantDataRoutes } from './merchant-data.routes.ts';
import { installMetrics, type Metrics } from './metrics.ts';
import { openApiOptions, swaggerUiOptions } from './openapi.ts';
import { orderLifecycleRoutes } from './order-lifecycle.routes.ts';
import { orderRoutes } from './orders.routes.ts';
import { paymentRoutes } from './payments.routes.ts';
import { pricingRoutes } from './pricing.routes.ts';
import { productRoutes } from './products.routes.ts';
import { installRateLimits, rateLimitCaller } from './rate-limits.ts';
import { type SandboxDeps, sandboxRoutes } from './sandbox.routes.ts';
import { serializerCompiler } from './serializer.ts';
import { sessionRoutes } from './sessions.routes.ts';
import { validatorCompiler } from './validator.ts';
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
  /** The sandbox provider's page; absent when the sandbox is off (SANDBOX_PAYMENTS). */
  sandbox?: SandboxDeps;
  metrics: Metrics;
  store: string;
  ping: () => Promise<void>;
  pendingMigrations: () => Promise<string[]>;
  auth: CallerAuthOptions;
  /** Per user and minute; absent: no limit. */
  rateLimits?: { ordersPerMinute: number; retriesPerMinute: number };
  /** Rate-limit counters shared by every instance; absent: counted in this process. */
  rateLimitRedis?: Redis | undefined;
  bodyLimitBytes?: number;
  /** Request logs go here; none when absent (tests). */
  logger?: FastifyBaseLogger;
  /** Idempotency-Key on every unsafe /api route (absent: only the checkout's own). */
  idempotency?: Idempotency;
  /** How long a client may take to send a request (default: 30 s, headers 10 s). */
  timeouts?: HttpTimeouts;
  /** Agent checkout sessions' shipping rates, promotions and address book (admin API). */
  merchantData?: MerchantDataService;
  /** The buyer's payment page and the operator console; absent: no web pages. */
  web?: WebDeps;
  /** What the API document says of this deployment: its URL and payment methods. */
  openApi?: { serverUrl: string; paymentMethods: readonly string[] };
  /** The Discord channel: admin guild links, and the interactions endpoint when enabled. */
  discord?: Pick<DiscordChannel, 'guildLinks' | 'interactions'>;
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

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: deps.bodyLimitBytes ?? 64 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    // Shutdown answers in our envelope (src/http/drain.ts), not Fastify's.
    return503OnClosing: false,
    ...edgeServerOptions(deps.timeouts ?? DEFAULT_HTTP_TIMEOUTS),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  installDrain(app);
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
  await app.register(fastifyRateLimit, {
    global: false,
    keyGenerator: rateLimitCaller,
    // Redis down: requests go through unlimited rather than fail (limits protect, orders matter).
    skipOnError: true,
    ...(deps.rateLimitRedis
      ? { redis: deps.rateLimitRedis, nameSpace: 'ordersession:rate-limit:' }
      : {}),
  });

  await app.register(
    fastifySwagger,
    openApiOptions({
      serverUrl: deps.openApi?.serverUrl ?? 'http://127.0.0.1:3006',
      paymentMethods: deps.openApi?.paymentMethods ?? ['sandbox'],
      rateLimited: deps.rateLimits !== undefined,
    }),
  );
  await app.register(fastifySwaggerUi, swaggerUiOptions);
  installMetrics(app, deps.metrics);

  await app.register(healthRoutes, {
    store: deps.store,
    ping: deps.ping,
    pendingMigrations: deps.pendingMigrations,
  });
  await app.register(webhookRoutes, { prefix: '/api', receive: deps.receiveWebhook });
  if (deps.sandbox) await app.register(sandboxRoutes, deps.sandbox);
  if (deps.web) await app.register(webPlugin, deps.web);
  if (deps.discord?.interactions) {
    await app.register(discordInteractionRoutes, deps.discord.interactions);
  }
  await app.register(
    async (api) => {
      requireCaller(api, deps.auth);
      if (deps.idempotency) installIdempotency(api, deps.idempotency);
      if (deps.rateLimits) {
        installRateLimits(api, {
          orders: deps.rateLimits.ordersPerMinute,
          retries: deps.rateLimits.retriesPerMinute,
        });
      }
      await api.register(sessionRoutes, {
        sessions: deps.sessions,
        submitSession: deps.submitSession,
      });
      await api.register(productRoutes, { catalog: deps.catalog });
      await api.register(orderRoutes, {
        placeOrder: deps.placeOrder,
        orders: deps.orders,
      });
      await api.register(orderLifecycleRoutes, { lifecycle: deps.lifecycle });
      await api.register(pricingRoutes, { pricing: deps.pricing });
      await api.register(paymentRoutes, {
        paymentWindow: deps.paymentWindow,
      });
      if (deps.merchantData)
        await api.register(merchantDataRoutes, { merchantData: deps.merchantData });
      if (deps.discord) {
        await api.register(discordAdminRoutes, { guildLinks: deps.discord.guildLinks });
      }
    },
    { prefix: '/api' },
  );
  return app;
}
