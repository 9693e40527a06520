import { z } from 'zod';
import { splitWebhookSecrets, webhookSecretProblem } from './app/webhook-signature.ts';

const integer = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .default(fallback);

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    );

/** HTTP server processes: a whole number, or `auto` (one per CPU). */
export const workerCount = () =>
  z
    .string()
    .trim()
    .regex(/^(auto|\d+)$/, 'a whole number from 1 to 256, or auto')
    .transform((value) => (value === 'auto' ? ('auto' as const) : Number(value)))
    .pipe(
      z.union([
        z.literal('auto'),
        z.number().int().min(1, 'must be at least 1').max(256, 'must be at most 256'),
      ]),
    )
    .default(1);

/** `whsec_<base64>` secrets (or plain ones of 16+ characters), two during a rotation. */
const webhookSecrets = () =>
  z
    .string()
    .superRefine((setting, ctx) => {
      const secrets = splitWebhookSecrets(setting);
      if (secrets.length === 0 || secrets.length > 2) {
        ctx.addIssue({ code: 'custom', message: 'one secret, or two separated by a comma' });
      }
      for (const secret of secrets) {
        const problem = webhookSecretProblem(secret);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }
    })
    .optional();

/** Every setting, read and validated once at start-up. `.env.example` lists them all. */
const environment = z.object({
  PORT: integer(1, 65535, 3006),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  WORKERS: workerCount(),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: integer(1, 200, 10),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GATEWAY_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  SERVICE_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  PAYMENT_WEBHOOK_SECRET: webhookSecrets(),
  DEFAULT_TENANT_ID: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, _ and -')
    .default('demo'),
  SESSION_TTL_MINUTES: integer(1, 24 * 60, 30),
  SESSION_SWEEP_INTERVAL_SECONDS: integer(1, 3600, 30),
  PAYMENT_METHODS: list('sandbox').pipe(
    z.array(z.string().regex(/^[a-z0-9_-]{1,64}$/, 'comma-separated lower-case names')).min(1),
  ),
  SEED_DEMO: z.enum(['auto', 'true', 'false']).default('auto'),
  PUBLIC_BASE_URL: z
    .string()
    .trim()
    .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'must be an http(s) URL')
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  ORDER_SESSION_DURATION_MINUTES: integer(1, 24 * 60, 15),
  ORDER_SESSION_MIN_MINUTES: integer(1, 24 * 60, 1),
  ORDER_SESSION_MAX_MINUTES: integer(1, 24 * 60, 120),
  ORDER_SESSION_MAX_ATTEMPTS: integer(1, 100, 3),
  SESSION_EXPIRE_JOB_INTERVAL: integer(1, 3600, 15),
  PAYMENT_EXPIRING_WARNING_MINUTES: integer(0, 24 * 60, 5),
  ALLOWED_SERVICES: list('').pipe(
    z.array(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'comma-separated service names')),
  ),
  RATE_LIMIT_ORDERS_PER_MINUTE: integer(0, 1_000_000, 120),
  RATE_LIMIT_RETRIES_PER_MINUTE: integer(0, 1_000_000, 30),
  OUTBOX_SINK: z.enum(['log', 'nats', 'rabbitmq', 'redis', 'webhook', 'none']).default('log'),
  OUTBOX_NATS_URL: z.string().trim().min(1).default('nats://127.0.0.1:4222'),
  OUTBOX_NATS_SUBJECT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/)
    .default('ordersession'),
  OUTBOX_NATS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('ORDERSESSION'),
  OUTBOX_RABBITMQ_URL: z
    .string()
    .trim()
    .regex(/^amqps?:\/\//, 'must be an amqp:// URL')
    .default('amqp://guest:guest@127.0.0.1:5672'),
  OUTBOX_RABBITMQ_EXCHANGE: z.string().min(1).max(255).default('ordersession.events'),
  OUTBOX_REDIS_URL: z
    .string()
    .trim()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  OUTBOX_REDIS_STREAM: z.string().min(1).max(255).default('ordersession:events'),
  OUTBOX_WEBHOOK_ENDPOINTS: z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON: {"<tenant or *>": ["https://…"]}' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), z.array(z.url()))),
  OUTBOX_WEBHOOK_SECRET: webhookSecrets(),
  OUTBOX_PUBLISH_TIMEOUT_MS: integer(100, 120_000, 5000),
  OUTBOX_BATCH_SIZE: integer(1, 10_000, 100),
  OUTBOX_POLL_INTERVAL_MS: integer(50, 600_000, 1000),
  OUTBOX_MAX_ATTEMPTS: integer(1, 1000, 10),
  OUTBOX_RETENTION_HOURS: integer(1, 24 * 365, 168),
  BODY_LIMIT_BYTES: integer(1024, 10 * 1024 * 1024, 64 * 1024),
  // Operations (issue #10): shutdown, and the sandbox payment provider.
  NODE_ENV: z.string().trim().optional(),
  SANDBOX_PAYMENTS: z.enum(['auto', 'true', 'false']).default('auto'),
  SHUTDOWN_GRACE_MS: integer(100, 10 * 60_000, 10_000),
  SHUTDOWN_DELAY_MS: integer(0, 5 * 60_000, 0),
  REQUEST_TIMEOUT_MS: integer(500, 600_000, 30_000),
  HEADERS_TIMEOUT_MS: integer(500, 600_000, 10_000),
  REDIS_URL: z
    .string()
    .trim()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  // Agent checkout sessions
  CHECKOUT_SESSION_STORE: z.enum(['sql', 'dynamodb']).default('sql'),
  DYNAMODB_TABLE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name')
    .default('ordersession-checkout-sessions'),
  CHECKOUT_SESSION_TTL_HOURS: integer(1, 24 * 30, 24),
  ADMIN_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  PAY_LINK_TTL_HOURS: integer(1, 24 * 90, 72),
  DISCORD_PUBLIC_KEY: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{64}$/, "must be the application's public key: 64 hex characters")
    .optional(),
  DISCORD_APPLICATION_ID: z
    .string()
    .trim()
    .regex(/^\d{15,21}$/, 'must be a Discord id (digits)')
    .optional(),
  DISCORD_BOT_TOKEN: z.string().trim().min(20, 'must be a bot token').optional(),
  DISCORD_API_BASE: z
    .string()
    .trim()
    .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'must be an http(s) URL')
    .transform((url) => url.replace(/\/+$/, ''))
    .default('https://discord.com/api/v10'),
  DISCORD_DEFAULT_TENANT: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, _ and -')
    .optional(),
  // AI agents (UCP)
  UCP_PAYMENT_HANDLER_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ and -')
    .default('mock_payment_handler'),
  SIMULATION_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
  ALLOW_PRIVATE_OUTBOUND: z.enum(['true', 'false']).default('false'),
  // AI agents (ACP): the platform's order-events URL and the secret its webhooks are signed with
  ACP_WEBHOOK_URL: z.url().optional(),
  ACP_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
});

export interface Config {
  port: number;
  host: string;
  /** HTTP server processes sharing the port (src/cluster.ts); `auto`: one per CPU. */
  workers: number | 'auto';
  databaseUrl: string | undefined;
  databasePoolSize: number;
  dataDir: string;
  logLevel: z.infer<typeof environment>['LOG_LEVEL'];
  /** Unset: the server makes one and keeps it in the data folder. */
  gatewayKey: string | undefined;
  serviceSecret: string | undefined;
  paymentWebhookSecret: string | undefined;
  defaultTenantId: string;
  sessionTtlMinutes: number;
  sessionSweepIntervalSeconds: number;
  paymentMethods: string[];
  /** Fill the demo tenant's catalog at start-up (auto: only on the embedded store). */
  seedDemo: boolean;
  bodyLimitBytes: number;
  /** Where buyers reach this service (payment links); default http://HOST:PORT. */
  publicBaseUrl: string;
  paymentWindow: {
    defaultMinutes: number;
    minMinutes: number;
    maxMinutes: number;
    maxAttempts: number;
  };
  /** Seconds between runs of the payment expiry worker. */
  paymentExpiryIntervalSeconds: number;
  /** Minutes before a payment window closes at which `payment_session.expiring` is sent. */
  paymentExpiringWarningMinutes: number;
  /** Service names allowed to call in with a signature; empty: any. */
  allowedServices: string[];
  /** Per user and minute (0: no limit): order placement and session submit, payment retries. */
  rateLimits: { ordersPerMinute: number; retriesPerMinute: number };
  outbox: OutboxConfig;
  /**
   * The sandbox payment provider and its page (anyone with the link may pay). Auto: on for the
   * embedded demo, off when NODE_ENV=production or DATABASE_URL is set.
   */
  sandboxPayments: boolean;
  shutdown: {
    /** The most a graceful stop may take; past it, connections are cut and the process exits 1. */
    graceMs: number;
    /** Time between /ready turning unready and the listener closing, for load balancers to see. */
    delayMs: number;
  };
  /** A client must send its headers, and its whole request, within these (then 408, closed). */
  httpTimeouts: { requestMs: number; headersMs: number };
  /** Shared state of several instances (rate limits, service-call nonces); unset: per instance and the database. */
  redisUrl: string | undefined;
  /** Agent checkout sessions: where they live and how long they last after their last change. */
  checkoutSessions: { store: 'sql' | 'dynamodb'; dynamodbTable: string; ttlHours: number };
  /** The operator console's sign-in key; unset: generated and kept in the data folder. */
  adminKey: string | undefined;
  /** How long a buyer's payment page link stays valid. */
  payLinkTtlHours: number;
  discord: DiscordConfig;
  agents: AgentsConfig;
}

export interface DiscordConfig {
  /** Hex; the interactions endpoint exists only when it is set. */
  publicKey: string | undefined;
  applicationId: string | undefined;
  /** DMs to buyers (the outbox's Discord sink) need it. */
  botToken: string | undefined;
  /** Discord's REST API, without a trailing slash. */
  apiBase: string;
  /** The tenant of interactions from DMs; unset: ordering by DM is refused. */
  defaultTenantId: string | undefined;
}

export interface AgentsConfig {
  /** The id of the sandbox payment handler UCP agents pay with. */
  paymentHandlerId: string;
  /** Set: POST /testing/simulate-shipping/{orderId} exists, guarded by this secret. */
  simulationSecret: string | undefined;
  /** URLs fetched on a caller's word (platform profiles, webhooks): the outbound rules. */
  outbound: { httpsOnly: boolean; allowPrivate: boolean };
  /** ACP order webhooks: sent when both are set. */
  acp?: { webhookUrl: string | undefined; webhookSecret: string | undefined };
}

export interface OutboxConfig {
  sink: 'log' | 'nats' | 'rabbitmq' | 'redis' | 'webhook' | 'none';
  nats: { servers: string; subjectPrefix: string; stream: string };
  rabbitmq: { url: string; exchange: string };
  redis: { url: string; stream: string };
  webhook: { endpoints: Record<string, string[]>; secret: string | undefined };
  publishTimeoutMs: number;
  batchSize: number;
  pollIntervalMs: number;
  maxAttempts: number;
  retentionHours: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads the environment; throws ConfigError naming every bad variable and why. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means unset, as in most shells' `VAR= command`.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = environment.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '?');
        return `${name}: ${issue.message} (got ${JSON.stringify(present[name] ?? null)})`;
      }),
    );
  }
  const e = parsed.data;
  const window = {
    defaultMinutes: e.ORDER_SESSION_DURATION_MINUTES,
    minMinutes: e.ORDER_SESSION_MIN_MINUTES,
    maxMinutes: e.ORDER_SESSION_MAX_MINUTES,
    maxAttempts: e.ORDER_SESSION_MAX_ATTEMPTS,
  };
  if (window.minMinutes > window.defaultMinutes || window.defaultMinutes > window.maxMinutes) {
    throw new ConfigError([
      `ORDER_SESSION_DURATION_MINUTES: must lie between ORDER_SESSION_MIN_MINUTES and ORDER_SESSION_MAX_MINUTES (got ${window.minMinutes} ≤ ${window.defaultMinutes} ≤ ${window.maxMinutes})`,
    ]);
  }
  if (e.OUTBOX_SINK === 'webhook' && Object.keys(e.OUTBOX_WEBHOOK_ENDPOINTS).length === 0) {
    throw new ConfigError([
      'OUTBOX_WEBHOOK_ENDPOINTS: OUTBOX_SINK is webhook but no endpoint is configured (got {})',
    ]);
  }
  if (e.HEADERS_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS) {
    throw new ConfigError([
      `HEADERS_TIMEOUT_MS: must be at most REQUEST_TIMEOUT_MS (got ${e.HEADERS_TIMEOUT_MS} > ${e.REQUEST_TIMEOUT_MS})`,
    ]);
  }
  const host = e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST;
  return {
    port: e.PORT,
    host: e.HOST,
    workers: e.WORKERS,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    gatewayKey: e.GATEWAY_KEY,
    serviceSecret: e.SERVICE_SECRET,
    paymentWebhookSecret: e.PAYMENT_WEBHOOK_SECRET,
    defaultTenantId: e.DEFAULT_TENANT_ID,
    sessionTtlMinutes: e.SESSION_TTL_MINUTES,
    sessionSweepIntervalSeconds: e.SESSION_SWEEP_INTERVAL_SECONDS,
    paymentMethods: e.PAYMENT_METHODS,
    seedDemo: e.SEED_DEMO === 'auto' ? e.DATABASE_URL === undefined : e.SEED_DEMO === 'true',
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    publicBaseUrl:
      e.PUBLIC_BASE_URL ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${e.PORT}`,
    paymentWindow: window,
    paymentExpiryIntervalSeconds: e.SESSION_EXPIRE_JOB_INTERVAL,
    paymentExpiringWarningMinutes: e.PAYMENT_EXPIRING_WARNING_MINUTES,
    allowedServices: e.ALLOWED_SERVICES,
    rateLimits: {
      ordersPerMinute: e.RATE_LIMIT_ORDERS_PER_MINUTE,
      retriesPerMinute: e.RATE_LIMIT_RETRIES_PER_MINUTE,
    },
    outbox: {
      sink: e.OUTBOX_SINK,
      nats: {
        servers: e.OUTBOX_NATS_URL,
        subjectPrefix: e.OUTBOX_NATS_SUBJECT_PREFIX,
        stream: e.OUTBOX_NATS_STREAM,
      },
      rabbitmq: { url: e.OUTBOX_RABBITMQ_URL, exchange: e.OUTBOX_RABBITMQ_EXCHANGE },
      redis: { url: e.OUTBOX_REDIS_URL, stream: e.OUTBOX_REDIS_STREAM },
      webhook: { endpoints: e.OUTBOX_WEBHOOK_ENDPOINTS, secret: e.OUTBOX_WEBHOOK_SECRET },
      publishTimeoutMs: e.OUTBOX_PUBLISH_TIMEOUT_MS,
      batchSize: e.OUTBOX_BATCH_SIZE,
      pollIntervalMs: e.OUTBOX_POLL_INTERVAL_MS,
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      retentionHours: e.OUTBOX_RETENTION_HOURS,
    },
    sandboxPayments:
      e.SANDBOX_PAYMENTS === 'auto'
        ? e.NODE_ENV !== 'production' && e.DATABASE_URL === undefined
        : e.SANDBOX_PAYMENTS === 'true',
    shutdown: { graceMs: e.SHUTDOWN_GRACE_MS, delayMs: e.SHUTDOWN_DELAY_MS },
    httpTimeouts: { requestMs: e.REQUEST_TIMEOUT_MS, headersMs: e.HEADERS_TIMEOUT_MS },
    redisUrl: e.REDIS_URL,
    checkoutSessions: {
      store: e.CHECKOUT_SESSION_STORE,
      dynamodbTable: e.DYNAMODB_TABLE,
      ttlHours: e.CHECKOUT_SESSION_TTL_HOURS,
    },
    adminKey: e.ADMIN_KEY,
    payLinkTtlHours: e.PAY_LINK_TTL_HOURS,
    discord: {
      publicKey: e.DISCORD_PUBLIC_KEY?.toLowerCase(),
      applicationId: e.DISCORD_APPLICATION_ID,
      botToken: e.DISCORD_BOT_TOKEN,
      apiBase: e.DISCORD_API_BASE,
      defaultTenantId: e.DISCORD_DEFAULT_TENANT,
    },
    agents: {
      paymentHandlerId: e.UCP_PAYMENT_HANDLER_ID,
      simulationSecret: e.SIMULATION_SECRET,
      outbound: {
        httpsOnly: e.NODE_ENV === 'production',
        allowPrivate: e.ALLOW_PRIVATE_OUTBOUND === 'true',
      },
      acp: { webhookUrl: e.ACP_WEBHOOK_URL, webhookSecret: e.ACP_WEBHOOK_SECRET },
    },
  };
}
