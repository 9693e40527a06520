import type { RunningService } from './service.ts';

/** Time past the grace period after which the process exits whatever is still running. */
const HARD_STOP_MARGIN_MS = 2000;

/**
 * SIGTERM or SIGINT stops the service gracefully and exits: 0 when every request was answered
 * within the grace period, 1 otherwise. Later signals are ignored while it stops (a terminal's
 * Ctrl-C reaches both npm and the server, and npm passes it on: two signals for one press).
 */
export function stopOnSignals(
  service: Pick<RunningService, 'system' | 'stop'>,
  graceMs: number,
): void {
  const { logger } = service.system;
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.info({ signal }, 'already shutting down');
      return;
    }
    stopping = true;
    logger.info({ signal, graceMs }, 'shutting down: finishing the requests in flight');
    setTimeout(() => {
      logger.error({ graceMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, graceMs + HARD_STOP_MARGIN_MS).unref();
    service.stop().then(
      ({ clean, cut }) => {
        if (clean) logger.info('stopped');
        else logger.warn({ cut }, 'stopped at the end of the grace period; requests were cut');
        process.exit(clean ? 0 : 1);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
