import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Logger, pino } from 'pino';
import type { AgentIdempotencyStore } from './app/agent-idempotency.ts';
import { type AgentKeys, createAgentKeys } from './app/agent-keys/service.ts';
import type { AgentOrderStore } from './app/agent-orders.ts';
import { createProductSearch, type ProductSearch } from './app/catalog/search.ts';
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
import {
  createOrderSessionService,
  type OrderSessionService,
} from './app/order-sessions/service.ts';
import { createOrderLifecycle, type OrderLifecycle } from './app/orders/lifecycle.ts';
import { createOrderQueries, type OrderQueries } from './app/orders/queries.ts';
import type { OrderReadRepository } from './app/orders/repository.ts';
import type { OutboxStore } from './app/outbox/ports.ts';
import { createPaymentWindow, type PaymentWindow } from './app/payments/payment-window.ts';
import type { PaymentStore } from './app/payments/ports.ts';
import { receivePaymentWebhook } from './app/payments/receive-webhook.ts';
import type { Clock } from './app/ports.ts';
import { createPricingService, type PricingService } from './app/pricing/service.ts';
import { seedDemoCatalog } from './app/seed-demo.ts';
import { registerAcp } from './channels/acp/register.ts';
import { registerMcpHttp } from './channels/mcp/http.ts';
import { registerUcp } from './channels/ucp/register.ts';
import type { Config } from './config.ts';
import { createMetrics, type Metrics } from './http/metrics.ts';
import { buildServer } from './http/server.ts';
import type { ReceiveWebhook } from './http/webhook.routes.ts';
import { createSafeFetcher, DEFAULT_OUTBOUND, type SafeFetcher } from './outbound/safe-fetch.ts';
import { newTimeOrderedId, systemClock } from './platform.ts';
import { createSandboxProvider } from './providers/sandbox.ts';
import { createSandboxCharger } from './providers/sandbox-charger.ts';
import { createDynamoCheckoutSessionStore } from './store/dynamodb/checkout-session.store.ts';
import { createSqlAgentIdempotencyStore } from './store/sql/agent-idempotency.store.ts';
import { createSqlAgentKeyRepository } from './store/sql/agent-keys.repository.ts';
import { createSqlAgentOrderStore } from './store/sql/agent-orders.repository.ts';
import { createSqlProductRepository } from './store/sql/catalog.repository.ts';
import { createSqlProductSearch } from './store/sql/catalog-search.sql.ts';
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
import { createSqlMerchantDataRepository } from './store/sql/merchant-data.repository.ts';
import { createSqlOrderRepository } from './store/sql/order.repository.ts';
import { createSqlOrderChangeStore } from './store/sql/order-change.store.ts';
import { createSqlOrderSessionRepository } from './store/sql/order-session.repository.ts';
import { countOutboxBacklog } from './store/sql/outbox.repository.ts';
import { createSqlOutboxStore } from './store/sql/outbox-relay.store.ts';
import { createSqlPaymentStore } from './store/sql/payment.store.ts';
import { createSqlPricingRepository } from './store/sql/pricing.repository.ts';

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
  /** Agent checkout sessions (issue #11): the use cases, their store, the merchant data admin. */
  checkoutSessions: CheckoutSessionService;
  checkoutSessionStore: CheckoutSessionStore;
  merchantData: MerchantDataService;
  /** AI agent channels (UCP): API keys, catalog search, outbound fetches on an agent's word. */
  agentKeys: AgentKeys;
  productSearch: ProductSearch;
  outbound: SafeFetcher;
  agentOrders: AgentOrderStore;
  agentIdempotency: AgentIdempotencyStore;
  close(): Promise<void>;
}

export async function openStore(config: Config): Promise<SqlStore> {
  if (config.databaseUrl) {
    return openPostgres({ url: config.databaseUrl, poolSize: config.databasePoolSize });
  }
  return openEmbedded({ dataDir: join(config.dataDir, 'pglite') });
}

/** A secret from the environment, or one made on first start and kept in the data folder. */
export function resolveSecret(
  config: Config,
  name: string,
  configured: string | undefined,
): string {
  if (configured) return configured;
  const file = join(config.dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(24).toString('hex');
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
    /** Tests hand in a store of their own (DynamoDB on a local server, say). */
    checkoutSessionStore?: CheckoutSessionStore;
  } = {},
): Promise<System> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  const store = options.store ?? (await openStore(config));
  const applied = await migrateToLatest(store.db);
  if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');

  const productRepository = createSqlProductRepository(store.db);
  const sessionRepository = createSqlOrderSessionRepository(store.db);
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
  const provider = createSandboxProvider(config.publicBaseUrl);
  const orderRepository = createSqlOrderRepository(store.db);
  const webhookSecret =
    options.webhookSecret ??
    resolveSecret(config, 'payment-webhook-secret', config.paymentWebhookSecret);
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
      ? createDynamoCheckoutSessionStore({
          tableName: config.checkoutSessions.dynamodbTable,
          ttlHours: config.checkoutSessions.ttlHours,
        })
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
  return {
    checkoutSessions,
    checkoutSessionStore,
    merchantData: createMerchantDataService(merchantData, { clock }),
    config,
    store,
    clock,
    logger,
    sessionRepository,
    catalog: createCatalogService(productRepository, { clock, newId: newTimeOrderedId }),
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
    paymentWindow: createPaymentWindow({
      orders: orderRepository,
      payments,
      provider,
      clock,
      newId: newTimeOrderedId,
    }),
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
    pricing: createPricingService(createSqlPricingRepository(store.db), { clock }),
    gatewayKey: options.gatewayKey ?? resolveSecret(config, 'gateway-key', config.gatewayKey),
    agentKeys: createAgentKeys(createSqlAgentKeyRepository(store.db), {
      clock,
      newId: newTimeOrderedId,
      defaultTenantId: config.defaultTenantId,
    }),
    productSearch: createProductSearch(createSqlProductSearch(store.db)),
    outbound,
    agentOrders: createSqlAgentOrderStore(store.db),
    agentIdempotency: createSqlAgentIdempotencyStore(store.db),
    close: async () => {
      await outbound.close();
      await store.close();
    },
  };
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
  const app = await buildServer({
    sessions: system.sessions,
    submitSession: system.submitSession,
    catalog: system.catalog,
    placeOrder: system.placeOrder,
    orders: system.orders,
    pricing: system.pricing,
    paymentWindow: system.paymentWindow,
    receiveWebhook: system.receiveWebhook,
    sandbox: {
      payments: system.payments,
      orders: system.orderRepository,
      clock: system.clock,
      newId: newTimeOrderedId,
      webhookSecret: system.webhookSecret,
    },
    lifecycle: system.lifecycle,
    metrics: system.metrics,
    store: system.store.kind,
    ping: () => ping(system.store.db),
    pendingMigrations: () => pendingMigrations(system.store.db),
    auth: {
      gatewayKey: system.gatewayKey,
      defaultTenantId: system.config.defaultTenantId,
      serviceSecret: system.config.serviceSecret,
      allowedServices: system.config.allowedServices,
      now: () => system.clock.now(),
    },
    rateLimits: limitsOrNone(system.config.rateLimits),
    merchantData: system.merchantData,
    bodyLimitBytes: system.config.bodyLimitBytes,
    ...(logger ? { logger } : {}),
  });
  await registerUcp(app, system);
  await registerAcp(app, system);
  await registerMcpHttp(app, system);
  return app;
}
