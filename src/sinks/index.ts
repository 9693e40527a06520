import type { Logger } from 'pino';
import type { EventSink } from '../app/outbox/ports.ts';
import type { OutboxConfig } from '../config.ts';
import { createLogSink } from './log.ts';
import { createNatsSink } from './nats.ts';
import { createRabbitSink } from './rabbitmq.ts';
import { createRedisSink } from './redis.ts';
import { createWebhookSink } from './webhook.ts';

/** The sink OUTBOX_SINK names; `none` keeps events in the outbox (another relay elsewhere). */
export function createSink(
  config: OutboxConfig,
  deps: { logger: Logger; webhookSecret: string },
): EventSink | null {
  const timeoutMs = config.publishTimeoutMs;
  switch (config.sink) {
    case 'none':
      return null;
    case 'log':
      return createLogSink(deps.logger);
    case 'nats':
      return createNatsSink({ ...config.nats, timeoutMs });
    case 'rabbitmq':
      return createRabbitSink({ ...config.rabbitmq, timeoutMs });
    case 'redis':
      return createRedisSink({ ...config.redis, timeoutMs });
    case 'webhook':
      return createWebhookSink({
        endpoints: config.webhook.endpoints,
        secret: deps.webhookSecret,
        timeoutMs,
      });
  }
}
