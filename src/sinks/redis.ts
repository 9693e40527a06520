import { createClient } from 'redis';
import type { EventSink } from '../app/outbox/ports.ts';
import { lazyConnection, withTimeout } from './timeout.ts';

export interface RedisSinkOptions {
  url: string;
  /** One stream for all events; each entry carries the outbox id to de-duplicate on. */
  stream: string;
  timeoutMs: number;
}

type Client = ReturnType<typeof createClient>;

/** Redis Streams: XADD of the event, with its outbox id among the fields. */
export function createRedisSink(options: RedisSinkOptions): EventSink {
  const connection = lazyConnection(
    async () => {
      const client: Client = createClient({
        url: options.url,
        // Fail commands while disconnected instead of queueing them: the relay retries later.
        disableOfflineQueue: true,
        socket: { connectTimeout: options.timeoutMs, reconnectStrategy: false },
      });
      client.on('error', () => connection.resetIf(client));
      await client.connect();
      return client;
    },
    async (client: Client) => {
      await client.close().catch(() => {});
    },
  );

  return {
    name: 'redis',
    async publish(event) {
      try {
        const client = await withTimeout(connection.get(), options.timeoutMs, 'redis connect');
        await withTimeout(
          client.xAdd(options.stream, '*', {
            id: event.id,
            type: event.type,
            tenantId: event.tenantId,
            aggregateId: event.aggregateId,
            event: JSON.stringify(event),
          }),
          options.timeoutMs,
          'redis XADD',
        );
      } catch (err) {
        connection.reset();
        throw err;
      }
    },
    close: () => connection.close(),
  };
}
