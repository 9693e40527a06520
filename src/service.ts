import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sweepExpiredCheckoutSessions } from './app/checkout-sessions/sweep.ts';
import type { EventSink, OutboxStore } from './app/outbox/ports.ts';
import type { RelayOptions } from './app/outbox/relay.ts';
import { newWebhookSecret } from './app/webhook-signature.ts';
import { withAgentWebhooks } from './channels/ucp/register.ts';
import type { Config } from './config.ts';
import { DEFAULT_RETRY } from './domain/outbox.ts';
import { type DrainResult, drainOf } from './http/drain.ts';
import { opsRoutes } from './http/ops.routes.ts';
import { MAINTENANCE_COMMANDS, type MaintenanceCommand, runMaintenance } from './maintenance.ts';
import { withDiscordDms } from './sinks/discord.ts';
import { createSink } from './sinks/index.ts';
import { buildHttp, openSystem, resolveSecret, type System } from './system.ts';
import { startIntervalWorker } from './workers/interval-worker.ts';
import { startOutboxRelay } from './workers/outbox-relay.ts';
import { startPaymentExpiry } from './workers/payment-expiry.ts';
import { startSessionSweeper } from './workers/session-sweeper.ts';

export interface RunningService {
  system: System;
  app: FastifyInstance;
  /** Where it listens, e.g. http://127.0.0.1:3006. */
  address: string;
  /**
   * Graceful stop within `config.shutdown.graceMs`: /ready turns 503, no new connections, every
   * request received is answered (new ones on open connections: 503 SHUTTING_DOWN), the workers
   * finish their batch and the relay its publish, then the sink and the database close.
   */
  stop(): Promise<DrainResult>;
}

export type StartOptions = Parameters<typeof openSystem>[1] & {
  /** `http`: no background workers (another process runs them). Default `all`. */
  role?: 'all' | 'http';
};

/** The whole service: HTTP server and background workers over one system. */
export async function startService(
  config: Config,
  options: StartOptions = {},
): Promise<RunningService> {
  const system = await openSystem(config, options);
  const app = await buildHttp(system, options.logger ?? system.logger);
  const background = options.role === 'http' ? [] : startBackgroundWorkers(system);
  const workers = background.map((worker) => worker.stop);
  // The embedded store is this process's alone: the CLI's maintenance commands come through here.
  const control = system.dataDirLock ? { token: randomBytes(24).toString('hex') } : undefined;
  if (control) {
    await app.register(opsRoutes, {
      token: control.token,
      commands: MAINTENANCE_COMMANDS,
      run: (command) => runMaintenance(system, command as MaintenanceCommand),
    });
  }
  const address = await app.listen({ port: config.port, host: config.host });
  if (control) system.dataDirLock?.publish({ url: address, token: control.token });
  let stopping: Promise<DrainResult> | undefined;
  return {
    system,
    app,
    address,
    stop() {
      stopping ??= (async () => {
        const [drained] = await Promise.all([
          drainOf(app).drain(config.shutdown),
          Promise.all(workers.map((stopWorker) => stopWorker())),
        ]);
        await system.close();
        return drained;
      })();
      return stopping;
    },
  };
}

/**
 * The background workers: session and payment-window expiry, the checkout-session sweeper and
 * (with a sink) the outbox relay with its LISTEN. Any number of processes may run them (they
 * claim work with FOR UPDATE SKIP LOCKED); a cluster runs them once, in its primary.
 * Each `stop` ends its worker after the batch in progress (the relay: and closes its sink).
 */
export function startBackgroundWorkers(system: System): { stop: () => Promise<void> }[] {
  const { config } = system;
  const workers: { stop: () => Promise<void> }[] = [
    startSessionSweeper({
      store: system.sessionRepository,
      clock: system.clock,
      intervalSeconds: config.sessionSweepIntervalSeconds,
      logger: system.logger,
      onExpired: (count) => system.metrics.expiries.inc({ kind: 'order_session' }, count),
    }),
    startPaymentExpiry({
      store: system.payments,
      clock: system.clock,
      intervalSeconds: config.paymentExpiryIntervalSeconds,
      warnBeforeMinutes: config.paymentExpiringWarningMinutes,
      logger: system.logger,
      onExpired: (count) => system.metrics.expiries.inc({ kind: 'payment_window' }, count),
    }),
  ];
  // Agent checkout sessions: reclaim expired rows (they are already invisible to every caller).
  workers.push(
    startIntervalWorker({
      name: 'checkout-session-sweeper',
      intervalMs: config.sessionSweepIntervalSeconds * 1000,
      runOnce: () => sweepExpiredCheckoutSessions(system.checkoutSessionStore, system.clock),
      logger: system.logger,
    }),
  );
  const { sink, outbox } = relayTarget(system);
  if (sink) {
    const relay = startOutboxRelay({
      store: outbox,
      sink,
      clock: system.clock,
      logger: system.logger,
      listen: (wake) => system.store.listen(OUTBOX_CHANNEL, wake),
      pollIntervalMs: config.outbox.pollIntervalMs,
      retentionHours: config.outbox.retentionHours,
      options: relayOptions(config),
      onRun: (run) => {
        system.metrics.relayed.inc({ result: 'published' }, run.published);
        system.metrics.relayed.inc({ result: 'failed' }, run.failed);
        system.metrics.relayed.inc({ result: 'parked' }, run.parked);
      },
    });
    workers.push({
      stop: async () => {
        await relay.stop();
        await sink.close();
      },
    });
  }
  return workers;
}

/** The channel the outbox trigger NOTIFYs on every insert. */
export const OUTBOX_CHANNEL = 'ordersession_outbox';

export function relayOptions(config: Config): Partial<RelayOptions> {
  return {
    batchSize: config.outbox.batchSize,
    retry: { ...DEFAULT_RETRY, maxAttempts: config.outbox.maxAttempts },
  };
}

/**
 * Where the outbox relay publishes: the configured sink, with the agent protocols' order
 * webhooks and Discord buyers' DMs riding along (each only when configured). The relay reads
 * through the returned store, which may prefetch what the Discord DMs need.
 */
export function relayTarget(system: System): { sink: EventSink | null; outbox: OutboxStore } {
  const { config } = system;
  const configured = withAgentWebhooks(
    system,
    createSink(config.outbox, {
      logger: system.logger,
      webhookSecret:
        config.outbox.sink === 'webhook'
          ? resolveSecret(
              config,
              'outbox-webhook-secret',
              config.outbox.webhook.secret,
              newWebhookSecret,
            )
          : '',
    }),
  );
  return withDiscordDms({ sink: configured, outbox: system.outbox }, system);
}
