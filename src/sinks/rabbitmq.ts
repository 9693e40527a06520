import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { EventSink } from '../app/outbox/ports.ts';
import { lazyConnection, withTimeout } from './timeout.ts';

export interface RabbitSinkOptions {
  url: string;
  /** A durable topic exchange; the routing key is the event type, e.g. `order.created`. */
  exchange: string;
  timeoutMs: number;
}

/** RabbitMQ with publisher confirms: an event counts as sent once the broker confirmed it. */
export function createRabbitSink(options: RabbitSinkOptions): EventSink {
  const connection = lazyConnection(
    async () => {
      const model = await amqp.connect(options.url, { timeout: options.timeoutMs });
      const channel = await model.createConfirmChannel();
      const opened = { model, channel };
      model.on('error', () => connection.resetIf(opened));
      model.on('close', () => connection.resetIf(opened));
      channel.on('error', () => connection.resetIf(opened));
      await channel.assertExchange(options.exchange, 'topic', { durable: true });
      return opened;
    },
    async ({ model }: { model: ChannelModel; channel: ConfirmChannel }) => {
      await model.close().catch(() => {});
    },
  );

  return {
    name: 'rabbitmq',
    async publish(event) {
      try {
        const { channel } = await withTimeout(
          connection.get(),
          options.timeoutMs,
          'rabbitmq connect',
        );
        const confirmed = new Promise<void>((resolve, reject) => {
          channel.publish(
            options.exchange,
            event.type,
            Buffer.from(JSON.stringify(event)),
            {
              messageId: event.id,
              persistent: true,
              contentType: 'application/json',
              type: event.type,
              timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
            },
            (err: unknown) =>
              err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(),
          );
        });
        await withTimeout(confirmed, options.timeoutMs, 'rabbitmq confirm');
      } catch (err) {
        connection.reset();
        throw err;
      }
    },
    close: () => connection.close(),
  };
}
