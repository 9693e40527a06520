import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { type Logger, pino } from 'pino';
import type { AgentIdempotencyStore } from './app/agent-idempotency.ts';
import { type AgentKeys, createAgentKeys } from './app/agent-keys/service.ts';
import type { AgentOrderStore } from './app/agent-orders.ts';
import {
  createProductSearch,
  createSearchCatalog,
  type ProductSearch,
} from './app/catalog/search.ts';
import { type CatalogService, createCatalogService } from './app/catalog/service.ts';
import { createPlaceOrder, type PlaceOrder } from './app/checkout/place-order.ts';
import { createSubmitSession, type SubmitSession } from './app/checkout/submit-session.ts';
import {
  createMerchantDataService,
  type MerchantDataService,
} from './app/checkout-sessions/merchant-data.ts';
import type { CheckoutSessionStore } from './app/checkout-sessions/ports.ts';
import {
  type CheckoutSessionService,
  createCheckoutSessionService,
} from './app/checkout-sessions/service.ts';
import { createIdempotency, type Idempotency } from './app/idempotency/run-idempotent.ts';
import { createOperatorQueries, type OperatorQueries } from './app/operator/queries.ts';
import {
  createOrderSessionService,
  type OrderSessionService,
} from './app/order-sessions/service.ts';
import { createOrderLifecycle, type OrderLifecycle } from './app/orders/lifecycle.ts';
import { createOrderQueries, type OrderQueries } from './app/orders/queries.ts';
import type { OrderReadRepository } from './app/orders/repository.ts';
import type { OutboxStore } from './app/outbox/ports.ts';
import { type BuyerPage, createBuyerPage } from './app/payments/buyer-page.ts';
import { withBuyerPage } from './app/payments/buyer-page-provider.ts';
import { createPayLinks, derivePayLinkSecret, type PayLinks } from './app/payments/pay-link.ts';
import { createPaymentWindow, type PaymentWindow } from './app/payments/payment-window.ts';
import type { PaymentStore } from './app/payments/ports.ts';
import { receivePaymentWebhook } from './app/payments/receive-webhook.ts';
import type { Clock } from './app/ports.ts';
import { createPricingService, type PricingService } from './app/pricing/service.ts';
import { seedDemoCatalog } from './app/seed-demo.ts';
import type { ServiceNonceStore } from './app/service-signature.ts';
import { newWebhookSecret } from './app/webhook-signature.ts';
import { createDiscordChannel, type DiscordChannel } from './channels/discord/channel.ts';
import type { Config } from './config.ts';
import type { CallerAuthOptions } from './http/caller-auth.ts';
import { createMetrics, type Metrics } from './http/metrics.ts';
import type { ReceiveWebhook } from './http/webhook.routes.ts';
import { createSafeFetcher, DEFAULT_OUTBOUND, type SafeFetcher } from './outbound/safe-fetch.ts';
import { newTimeOrderedId, systemClock } from './platform.ts';
import { createExternalProvider } from './providers/external.ts';
import { createSandboxProvider } from './providers/sandbox.ts';
import { createSandboxCharger } from './providers/sandbox-charger.ts';
import { type DataDirLock, lockDataDir } from './store/data-dir-lock.ts';
import { openRedis } from './store/redis/connection.ts';
import { createRedisServiceNonceStore } from './store/redis/service-nonce.store.ts';
import { createSqlAgentIdempotencyStore } from './store/sql/agent-idempotency.store.ts';
import { createSqlAgentKeyRepository } from './store/sql/agent-keys.repository.ts';
import { createSqlAgentOrderStore } from './store/sql/agent-orders.repository.ts';
import { createSqlProductRepository } from './store/sql/catalog.repository.ts';
import { createSqlCheckoutStore } from './store/sql/checkout.store.ts';
import { createSqlCheckoutSessionStore } from './store/sql/checkout-session.store.ts';
import {
  migrateToLatest,
  openEmbedded,
  openPostgres,
  pendingMigrations,
  ping,
  type SqlStore,
} from './store/sql/database.ts';
import { createSqlGuildLinkStore } from './store/sql/discord.repository.ts';
import { createSqlMerchantDataRepository } from './store/sql/merchant-data.repository.ts';
import { createSqlOperatorStore } from './store/sql/operator.store.ts';
import { createSqlOrderRepository } from './store/sql/order.repository.ts';
import { createSqlOrderChangeStore } from './store/sql/order-change.store.ts';
import { createSqlOrderSessionRepository } from './store/sql/order-session.repository.ts';
import { countOutboxBacklog } from './store/sql/outbox.repository.ts';
import { createSqlOutboxStore } from './store/sql/outbox-relay.store.ts';
import { createSqlPaymentStore } from './store/sql/payment.store.ts';
import { createSqlPricingRepository } from './store/sql/pricing.repository.ts';
import { createSqlIdempotencyStore } from './store/sql/request-idempotency.store.ts';
import { createSqlServiceNonceStore } from './store/sql/service-nonce.store.ts';
import type { WebDeps } from './web/plugin.tsx';

/**
 * The composition root: the one place that picks the store and wires adapters into use cases.
 * The server, the CLI and the tests all start the system through here.
 */
export interface System {
  config: Config;
  store: SqlStore;
  clock: Clock;
  logger: Logger;
  sessions: OrderSessionService;
  submitSession: SubmitSession;
  catalog: CatalogService;
  placeOrder: PlaceOrder;
  orders: OrderQueries;
  pricing: PricingService;
  sessionRepository: ReturnType<typeof createSqlOrderSessionRepository>;
  orderRepository: OrderReadRepository;
  payments: PaymentStore;
  paymentWindow: PaymentWindow;
  receiveWebhook: ReceiveWebhook;
  webhookSecret: string;
  lifecycle: OrderLifecycle;
  metrics: Metrics;
  outbox: OutboxStore;
  gatewayKey: string;
  /** REDIS_URL's connection (rate limits and nonces shared by instances); none when unset. */
  redis: Redis | undefined;
  /** Nonces of signed service calls: in Redis when there is one, else in the database. */
  serviceNonces: ServiceNonceStore;
  /** Agent checkout sessions (issue #11): the use cases, their store, the merchant data admin. */
  checkoutSessions: CheckoutSessionService;
  checkoutSessionStore: CheckoutSessionStore;
  merchantData: MerchantDataService;
  /** Web pages: the buyer's payment page and the operator console. */
  payLinks: PayLinks;
  buyerPage: BuyerPage;
  operator: OperatorQueries;
  adminKey: string;
  /** The Discord channel: guild links, its REST client, the interactions endpoint if enabled. */
  discord: DiscordChannel;
  /** AI agent channels (UCP): API keys, catalog search, outbound fetches on an agent's word. */
  agentKeys: AgentKeys;
  productSearch: ProductSearch;
  outbound: SafeFetcher;
  agentOrders: AgentOrderStore;
  agentIdempotency: AgentIdempotencyStore;
  close(): Promise<void>;
  /** The embedded store's data folder lock, held by this process; none on PostgreSQL. */
  dataDirLock: DataDirLock | undefined;
  idempotency: Idempotency;
}

/**
 * PostgreSQL, or the embedded store in DATA_DIR, which one process at a time may open: it is
 * locked first (DataDirLockedError names the holder), and unlocked when the store closes.
 */
export async function openStore(
  config: Config,
  options: { command?: string; logger?: Logger } = {},
): Promise<SqlStore & { dataDirLock?: DataDirLock }> {
  if (config.databaseUrl) {
    return openPostgres({
      url: config.databaseUrl,
      poolSize: config.databasePoolSize,
      logger: options.logger,
    });
  }
  const lock = await lockDataDir(config.dataDir, options.command ?? 'serve', options.logger);
  try {
    const store = await openEmbedded({ dataDir: join(config.dataDir, 'pglite') });
    return {
      ...store,
      dataDirLock: lock,
      async close() {
        try {
          await store.close();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (err) {
    await lock.release();
    throw err;
  }
}

/** A secret from the environment, or one made on first start and kept in the data folder. */
export function resolveSecret(
  config: Config,
  name: string,
  configured: string | undefined,
  generate: () => string = () => randomBytes(24).toString('hex'),
): string {
  if (configured) return configured;
  const file = join(config.dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = generate();
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export async function openSystem(
  config: Config,
  options: {
    store?: SqlStore;
    clock?: Clock;
    logger?: Logger;
    gatewayKey?: string;
    webhookSecret?: string;
    /** The CLI command opening the system (`serve` by default): named to a refused second one. */
    command?: string;
    /** A Redis connection the caller owns (and closes); else one is opened for REDIS_URL. */
    redis?: Redis;
    /** Tests hand in a store of their own (DynamoDB on a local server, say). */
    checkoutSessionStore?: CheckoutSessionStore;
    adminKey?: string;
  } = {},
): Promise<System> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  // Before the store, so that an unreachable Redis leaves nothing open.
  const ownRedis = options.redis === undefined && config.redisUrl !== undefined;
  const redis =
    options.redis ?? (config.redisUrl === undefined ? undefined : await openRedis(config.redisUrl));
  const clock = options.clock ?? systemClock;
  const opened: (SqlStore & { dataDirLock?: DataDirLock }) | undefined = options.store
    ? undefined
    : await openStore(config, { logger, ...(options.command ? { command: options.command } : {}) });
  const store = options.store ?? (opened as SqlStore);
  const applied = await migrateToLatest(store.db);
  if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');

  const productRepository = createSqlProductRepository(store.db);
  const sessionRepository = createSqlOrderSessionRepository(store.db);
  const catalog = createCatalogService(productRepository, { clock, newId: newTimeOrderedId });
  if (config.seedDemo) {
    const inserted = await seedDemoCatalog(productRepository, config.defaultTenantId, clock);
    if (inserted > 0)
      logger.info({ tenant: config.defaultTenantId, inserted }, 'demo catalog seeded');
  }
  const sessions = createOrderSessionService(sessionRepository, {
    catalog: productRepository,
    clock,
    newId: newTimeOrderedId,
    ttlMinutes: config.sessionTtlMinutes,
    paymentMethods: config.paymentMethods,
  });
  const payments = createSqlPaymentStore(store.db);
  const webhookSecret =
    options.webhookSecret ??
    resolveSecret(config, 'payment-webhook-secret', config.paymentWebhookSecret, newWebhookSecret);
  // Buyers are handed our payment page (/pay/…), which leads on to the provider's.
  const payLinks = createPayLinks({
    secret: derivePayLinkSecret(webhookSecret),
    baseUrl: config.publicBaseUrl,
    ttlHours: config.payLinkTtlHours,
  });
  // Without the sandbox, payments are confirmed only by the merchant's provider integration,
  // which hands out its own payment links.
  const provider = config.sandboxPayments
    ? withBuyerPage(createSandboxProvider(config.publicBaseUrl), payLinks, clock)
    : createExternalProvider();
  const orderRepository = createSqlOrderRepository(store.db);
  const outbound = createSafeFetcher({ ...DEFAULT_OUTBOUND, ...config.agents.outbound });
  const metrics = createMetrics({ outboxBacklog: () => countOutboxBacklog(store.db) });
  const placeOrderUncounted = createPlaceOrder({
    store: createSqlCheckoutStore(store.db),
    payments,
    provider,
    clock,
    newId: newTimeOrderedId,
    paymentMethods: config.paymentMethods,
    paymentWindow: config.paymentWindow,
  });
  const placeOrder: PlaceOrder = async (ctx, input, metadata, overrides) => {
    const result = await placeOrderUncounted(ctx, input, metadata, overrides);
    if (result.ok && !result.value.replayed) {
      for (const order of result.value.orders)
        metrics.ordersPlaced.inc({ source: order.orderSource });
    }
    return result;
  };
  const merchantData = createSqlMerchantDataRepository(store.db);
  const checkoutSessionStore =
    options.checkoutSessionStore ??
    (config.checkoutSessions.store === 'dynamodb'
      ? await openDynamoCheckoutSessions(config)
      : createSqlCheckoutSessionStore(store.db));
  const checkoutSessions = createCheckoutSessionService({
    store: checkoutSessionStore,
    catalog: merchantData,
    clock,
    newId: newTimeOrderedId,
    ttlHours: config.checkoutSessions.ttlHours,
    completion: {
      placeOrder,
      payments,
      provider,
      charger: createSandboxCharger(),
      orders: orderRepository,
      newId: newTimeOrderedId,
    },
  });
  const paymentWindow = createPaymentWindow({
    orders: orderRepository,
    payments,
    provider,
    clock,
    newId: newTimeOrderedId,
  });
  const system: Omit<System, 'discord'> = {
    checkoutSessions,
    checkoutSessionStore,
    merchantData: createMerchantDataService(merchantData, { clock }),
    config,
    store,
    clock,
    logger,
    sessionRepository,
    catalog,
    sessions,
    placeOrder,
    submitSession: createSubmitSession({
      sessions,
      placeOrder,
      orders: orderRepository,
      payments,
      clock,
    }),
    orders: createOrderQueries(orderRepository),
    orderRepository,
    payments,
    paymentWindow,
    receiveWebhook: async (rawBody, signature) => {
      const received = await receivePaymentWebhook(
        {
          payments,
          clock,
          newId: newTimeOrderedId,
          secret: webhookSecret,
          provider: provider.name,
        },
        rawBody,
        signature,
      );
      metrics.payments.inc({ outcome: received.ok ? received.value.outcome : received.error.code });
      return received;
    },
    lifecycle: createOrderLifecycle({
      store: createSqlOrderChangeStore(store.db),
      orders: orderRepository,
      clock,
      newId: newTimeOrderedId,
    }),
    metrics,
    outbox: createSqlOutboxStore(store.db),
    webhookSecret,
    dataDirLock: opened?.dataDirLock,
    idempotency: createIdempotency({
      store: createSqlIdempotencyStore(store.db),
      clock,
      newId: newTimeOrderedId,
    }),
    redis,
    serviceNonces: redis
      ? createRedisServiceNonceStore(redis)
      : createSqlServiceNonceStore(store.db),
    pricing: createPricingService(createSqlPricingRepository(store.db), { clock }),
    gatewayKey: options.gatewayKey ?? resolveSecret(config, 'gateway-key', config.gatewayKey),
    payLinks,
    buyerPage: createBuyerPage({
      orders: orderRepository,
      payments,
      paymentWindow,
      provider,
      clock,
    }),
    operator: createOperatorQueries(createSqlOperatorStore(store.db), { clock }),
    adminKey: options.adminKey ?? resolveSecret(config, 'admin-key', config.adminKey),
    agentKeys: createAgentKeys(createSqlAgentKeyRepository(store.db), {
      clock,
      newId: newTimeOrderedId,
      defaultTenantId: config.defaultTenantId,
    }),
    productSearch: createProductSearch(catalog),
    outbound,
    agentOrders: createSqlAgentOrderStore(store.db),
    agentIdempotency: createSqlAgentIdempotencyStore(store.db),
    close: async () => {
      if (ownRedis) await redis?.quit();
      await outbound.close();
      await store.close();
    },
  };
  return { ...system, discord: openDiscordChannel(system) };
}

/** The AWS SDK loads only when DynamoDB holds the checkout sessions. */
async function openDynamoCheckoutSessions(config: Config): Promise<CheckoutSessionStore> {
  const { createDynamoCheckoutSessionStore } = await import(
    './store/dynamodb/checkout-session.store.ts'
  );
  return createDynamoCheckoutSessionStore({
    tableName: config.checkoutSessions.dynamodbTable,
    ttlHours: config.checkoutSessions.ttlHours,
  });
}

function openDiscordChannel(system: Omit<System, 'discord'>): DiscordChannel {
  return createDiscordChannel({
    config: system.config.discord,
    paymentMethods: system.config.paymentMethods,
    sessions: system.sessions,
    submitSession: system.submitSession,
    searchCatalog: createSearchCatalog(system.catalog),
    orders: system.orders,
    paymentWindow: system.paymentWindow,
    guildStore: createSqlGuildLinkStore(system.store.db),
    clock: system.clock,
    logger: system.logger,
  });
}

/** A limit of 0 means none; the HTTP layer takes no limits at all when both are 0. */
function limitsOrNone(
  limits: Config['rateLimits'],
): { ordersPerMinute: number; retriesPerMinute: number } | undefined {
  if (limits.ordersPerMinute === 0 && limits.retriesPerMinute === 0) return undefined;
  return {
    ordersPerMinute: limits.ordersPerMinute || Number.MAX_SAFE_INTEGER,
    retriesPerMinute: limits.retriesPerMinute || Number.MAX_SAFE_INTEGER,
  };
}

export async function buildHttp(system: System, logger?: Logger): Promise<FastifyInstance> {
  // Fastify, its plugins and the agent channels load here, not with the system: the CLI's
  // maintenance commands open a system and never serve HTTP.
  const [{ buildServer }, { registerUcp }, { registerAcp }, { registerMcpHttp }] =
    await Promise.all([
      import('./http/server.ts'),
      import('./channels/ucp/register.ts'),
      import('./channels/acp/register.ts'),
      import('./channels/mcp/http.ts'),
    ]);
  // One set of caller checks for /api, whichever plugin mounts a part of it.
  const auth: CallerAuthOptions = {
    gatewayKey: system.gatewayKey,
    defaultTenantId: system.config.defaultTenantId,
    serviceSecret: system.config.serviceSecret,
    allowedServices: system.config.allowedServices,
    nonces: system.serviceNonces,
    now: () => system.clock.now(),
  };
  const app = await buildServer({
    sessions: system.sessions,
    submitSession: system.submitSession,
    catalog: system.catalog,
    placeOrder: system.placeOrder,
    orders: system.orders,
    pricing: system.pricing,
    paymentWindow: system.paymentWindow,
    receiveWebhook: system.receiveWebhook,
    ...(system.config.sandboxPayments
      ? {
          sandbox: {
            payments: system.payments,
            orders: system.orderRepository,
            clock: system.clock,
            newId: newTimeOrderedId,
            webhookSecret: system.webhookSecret,
            returnTo: (tenantId: string, orderId: string) =>
              `/pay/${orderId}?t=${system.payLinks.token(tenantId, orderId, system.clock.now())}`,
          },
        }
      : {}),
    lifecycle: system.lifecycle,
    metrics: system.metrics,
    store: system.store.kind,
    ping: () => ping(system.store.db),
    pendingMigrations: () => pendingMigrations(system.store.db),
    auth,
    rateLimits: limitsOrNone(system.config.rateLimits),
    rateLimitRedis: system.redis,
    merchantData: system.merchantData,
    bodyLimitBytes: system.config.bodyLimitBytes,
    ...(logger ? { logger } : {}),
    idempotency: system.idempotency,
    timeouts: system.config.httpTimeouts,
    web: webDeps(system),
    discord: system.discord,
    openApi: {
      serverUrl: system.config.publicBaseUrl,
      paymentMethods: system.config.paymentMethods,
    },
  });
  await registerUcp(app, system, auth);
  await registerAcp(app, system);
  await registerMcpHttp(app, system);
  return app;
}

function webDeps(system: System): WebDeps {
  const limits = limitsOrNone(system.config.rateLimits);
  return {
    pay: {
      buyerPage: system.buyerPage,
      payLinks: system.payLinks,
      clock: system.clock,
      retryRateLimit: limits ? { max: limits.retriesPerMinute, timeWindow: 60_000 } : undefined,
    },
    admin: {
      adminKey: system.adminKey,
      defaultTenantId: system.config.defaultTenantId,
      secureCookies: system.config.publicBaseUrl.startsWith('https://'),
      clock: system.clock,
      orders: system.orders,
      lifecycle: system.lifecycle,
      paymentWindow: system.paymentWindow,
      catalog: system.catalog,
      pricing: system.pricing,
      operator: system.operator,
    },
  };
}
