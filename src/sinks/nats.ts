import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { EventSink } from '../app/outbox/ports.ts';
import { lazyConnection, withTimeout } from './timeout.ts';

export interface NatsSinkOptions {
  servers: string;
  /** Subjects are `<prefix>.<tenant>.<event type>`, e.g. `ordersession.demo.order.created`. */
  subjectPrefix: string;
  stream: string;
  timeoutMs: number;
}

/**
 * NATS JetStream. The outbox id is the message id, so the server drops a redelivery of an
 * event it already has (within the stream's duplicate window). The stream is created if missing.
 */
export function createNatsSink(options: NatsSinkOptions): EventSink {
  const connection = lazyConnection(
    async () => {
      const nc = await connect({ servers: options.servers.split(','), timeout: options.timeoutMs });
      try {
        const jsm = await jetstreamManager(nc);
        await jsm.streams.info(options.stream).catch(async () => {
          await jsm.streams.add({ name: options.stream, subjects: [`${options.subjectPrefix}.>`] });
        });
        return { nc, js: jetstream(nc) };
      } catch (err) {
        await nc.close();
        throw err;
      }
    },
    async ({ nc }: { nc: NatsConnection }) => {
      await nc.close();
    },
  );

  return {
    name: 'nats',
    async publish(event) {
      try {
        const { js } = await withTimeout(connection.get(), options.timeoutMs, 'nats connect');
        const subject = `${options.subjectPrefix}.${event.tenantId}.${event.type}`;
        await js.publish(subject, JSON.stringify(event), {
          msgID: event.id,
          timeout: options.timeoutMs,
        });
      } catch (err) {
        connection.reset();
        throw err;
      }
    },
    close: () => connection.close(),
  };
}
