import type { FastifyInstance } from 'fastify';
import { sweepExpiredCheckoutSessions } from './app/checkout-sessions/sweep.ts';
import type { RelayOptions } from './app/outbox/relay.ts';
import { withAgentWebhooks } from './channels/ucp/register.ts';
import type { Config } from './config.ts';
import { DEFAULT_RETRY } from './domain/outbox.ts';
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
   * Graceful stop: accept no new connections, let requests in flight finish, let the workers
   * finish their batch, then close the database.
   */
  stop(): Promise<void>;
}

/** The whole service: HTTP server and background workers over one system. */
export async function startService(
  config: Config,
  options: Parameters<typeof openSystem>[1] = {},
): Promise<RunningService> {
  const system = await openSystem(config, options);
  const app = await buildHttp(system, options.logger ?? system.logger);
  const workers = [
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
  const sink = withAgentWebhooks(
    system,
    createSink(config.outbox, {
      logger: system.logger,
      webhookSecret:
        config.outbox.sink === 'webhook'
          ? resolveSecret(config, 'outbox-webhook-secret', config.outbox.webhook.secret)
          : '',
    }),
  );
  if (sink) {
    workers.push(
      startOutboxRelay({
        store: system.outbox,
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
      }),
    );
  }
  const address = await app.listen({ port: config.port, host: config.host });
  let stopping: Promise<void> | undefined;
  return {
    system,
    app,
    address,
    stop() {
      stopping ??= (async () => {
        await app.close();
        await Promise.all(workers.map((worker) => worker.stop()));
        await sink?.close();
        await system.close();
      })();
      return stopping;
    },
  };
}

/** The channel the outbox trigger NOTIFYs on every insert. */
export const OUTBOX_CHANNEL = 'ordersession_outbox';

export function relayOptions(config: Config): Partial<RelayOptions> {
  return {
    batchSize: config.outbox.batchSize,
    retry: { ...DEFAULT_RETRY, maxAttempts: config.outbox.maxAttempts },
  };
}
