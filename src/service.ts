import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { buildHttp, openSystem, type System } from './system.ts';
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
        await system.close();
      })();
      return stopping;
    },
  };
}
