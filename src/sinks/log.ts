import type { Logger } from 'pino';
import type { EventSink } from '../app/outbox/ports.ts';

/** Events as structured log lines: the default on the embedded store, handy in development. */
export function createLogSink(logger: Logger): EventSink {
  return {
    name: 'log',
    async publish(event) {
      logger.info({ event }, `event ${event.type}`);
    },
    async close() {},
  };
}
