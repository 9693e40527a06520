import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect as natsConnect } from '@nats-io/transport-node';
import amqp, { type ConsumeMessage } from 'amqplib';
import { createClient } from 'redis';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventSink } from '../../src/app/outbox/ports.ts';
import { DEFAULT_RELAY, type RelayOptions, relayOutbox } from '../../src/app/outbox/relay.ts';
import type { EventEnvelope } from '../../src/domain/outbox.ts';
import { createNatsSink } from '../../src/sinks/nats.ts';
import { createRabbitSink } from '../../src/sinks/rabbitmq.ts';
import { createRedisSink } from '../../src/sinks/redis.ts';
import { createSqlOutboxStore } from '../../src/store/sql/outbox-relay.store.ts';
import { manualClock } from '../support/clock.ts';
import { useHttp } from '../support/http.ts';
import {
  describeBroker,
  eventually,
  expectDelivered,
  ordersWithEvents,
  relayUntilIdle,
  sleep,
  startTcpProxy,
  tcpProblem,
  tenantOutbox,
} from '../support/outbox.ts';
import { placeDirect } from '../support/payments.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

const HOST = '127.0.0.1';
const RUN = `${process.pid}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const OPTIONS: RelayOptions = {
  ...DEFAULT_RELAY,
  batchSize: 20,
  retry: { baseMs: 200, capMs: 1_000, maxAttempts: 100 },
  random: () => 0.5,
};

/** One message as a consumer sees it: the envelope, the broker's message id, where it went. */
interface Delivery {
  envelope: EventEnvelope;
  messageId: string | undefined;
  key: string;
}

interface Broker {
  name: string;
  port: number;
  problem: string | null;
  /** The layout the issue documents: subject, exchange and routing key, stream fields. */
  keyOf(envelope: EventEnvelope): string;
  sink(port: number): EventSink;
  /** A consumer, opened before anything is published. */
  open(): Promise<{
    read(tenantId: string, atLeast: number): Promise<Delivery[]>;
    close(): Promise<void>;
  }>;
  /** Removes what the file created on the broker. */
  cleanUp(): Promise<void>;
}

const NATS = { servers: `${HOST}:4222`, prefix: `ostest.r${RUN}`, stream: `OSTEST_${RUN}` };
const nats: Broker = {
  name: 'nats',
  port: 4222,
  problem: await tcpProblem(HOST, 4222),
  keyOf: (e) => `${NATS.prefix}.${e.tenantId}.${e.type}`,
  sink: (port) =>
    createNatsSink({
      servers: `${HOST}:${port}`,
      subjectPrefix: NATS.prefix,
      stream: NATS.stream,
      timeoutMs: 1_000,
    }),
  async open() {
    const nc = await natsConnect({ servers: NATS.servers });
    return {
      async read(tenantId) {
        // The sink created the stream, over every subject of the prefix.
        const info = await (await jetstreamManager(nc)).streams.info(NATS.stream);
        expect(info.config.subjects).toEqual([`${NATS.prefix}.>`]);
        const consumer = await jetstream(nc).consumers.get(NATS.stream, {
          filter_subjects: `${NATS.prefix}.${tenantId}.>`,
        });
        const got: Delivery[] = [];
        const messages = await consumer.fetch({ max_messages: 10_000, expires: 2_000 });
        for await (const m of messages) {
          const messageId = m.headers?.get('Nats-Msg-Id');
          got.push({ envelope: m.json<EventEnvelope>(), messageId, key: m.subject });
          if (m.info.pending === 0) break;
        }
        return got;
      },
      close: () => nc.close(),
    };
  },
  async cleanUp() {
    const nc = await natsConnect({ servers: NATS.servers });
    await (await jetstreamManager(nc)).streams.delete(NATS.stream).catch(() => false);
    await nc.close();
  },
};

const RABBIT = { url: `amqp://guest:guest@${HOST}:5672`, exchange: `ostest.${RUN}` };
const rabbitmq: Broker = {
  name: 'rabbitmq',
  port: 5672,
  problem: await tcpProblem(HOST, 5672),
  keyOf: (e) => `${RABBIT.exchange} ${e.type}`,
  sink: (port) =>
    createRabbitSink({
      url: `amqp://guest:guest@${HOST}:${port}`,
      exchange: RABBIT.exchange,
      timeoutMs: 1_000,
    }),
  async open() {
    const model = await amqp.connect(RABBIT.url);
    const channel = await model.createChannel();
    await channel.assertExchange(RABBIT.exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, RABBIT.exchange, '#');
    const messages: ConsumeMessage[] = [];
    await channel.consume(queue, (m) => m && messages.push(m), { noAck: true });
    const ofTenant = (tenantId: string) =>
      messages
        .map((m) => ({ m, envelope: JSON.parse(m.content.toString()) as EventEnvelope }))
        .filter(({ envelope }) => envelope.tenantId === tenantId);
    return {
      async read(tenantId, atLeast) {
        await eventually('messages in the queue', () =>
          ofTenant(tenantId).length >= atLeast ? true : undefined,
        );
        await sleep(300); // any late duplicate
        return ofTenant(tenantId).map(({ m, envelope }) => {
          expect(m.properties.contentType).toBe('application/json');
          expect(m.properties.deliveryMode).toBe(2);
          return {
            envelope,
            messageId: m.properties.messageId as string | undefined,
            key: `${m.fields.exchange} ${m.fields.routingKey}`,
          };
        });
      },
      close: () => model.close(),
    };
  },
  async cleanUp() {
    const model = await amqp.connect(RABBIT.url);
    const channel = await model.createChannel();
    await channel.deleteExchange(RABBIT.exchange);
    await model.close();
  },
};

const REDIS = { url: `redis://${HOST}:6379`, key: `ostest:${RUN}:events` };
const redis: Broker = {
  name: 'redis',
  port: 6379,
  problem: await tcpProblem(HOST, 6379),
  keyOf: (e) => `${REDIS.key} ${e.type} ${e.tenantId} ${e.aggregateId}`,
  sink: (port) =>
    createRedisSink({ url: `redis://${HOST}:${port}`, stream: REDIS.key, timeoutMs: 1_000 }),
  async open() {
    const client = createClient({ url: REDIS.url });
    await client.connect();
    return {
      async read(tenantId) {
        const entries = (await client.xRange(REDIS.key, '-', '+')) ?? [];
        return entries
          .filter((entry) => entry.message.tenantId === tenantId)
          .map(({ message: f }) => ({
            envelope: JSON.parse(String(f.event)) as EventEnvelope,
            messageId: f.id,
            key: `${REDIS.key} ${f.type} ${f.tenantId} ${f.aggregateId}`,
          }));
      },
      close: () => client.close(),
    };
  },
  async cleanUp() {
    const client = createClient({ url: REDIS.url });
    await client.connect();
    await client.del(REDIS.key);
    await client.close();
  },
};

const BROKERS = [nats, rabbitmq, redis];

afterAll(async () => {
  for (const broker of BROKERS) if (broker.problem === null) await broker.cleanUp();
});

function expectLayout(broker: Broker, deliveries: readonly Delivery[]): void {
  for (const d of deliveries) {
    expect(d.messageId).toBe(d.envelope.id);
    expect(d.key).toBe(broker.keyOf(d.envelope));
  }
}

describeEachStore('outbox sinks on real brokers', (store) => {
  const http = useHttp(store);
  const db = () => store().db;

  for (const broker of BROKERS) {
    describeBroker(broker.name, broker.problem, () => {
      let consumer: Awaited<ReturnType<Broker['open']>> | undefined;
      beforeAll(async () => {
        consumer = await broker.open();
      });
      afterAll(async () => {
        await consumer?.close();
      });
      const read = (tenantId: string, atLeast: number) => {
        if (!consumer) throw new Error('consumer not open');
        return consumer.read(tenantId, atLeast);
      };

      it(`${broker.name}: every event of a clean run arrives once, in order per order, as the documented envelope and layout`, async () => {
        const { tenantId } = await ordersWithEvents(http(), {
          orders: 4,
          paid: 1,
          failed: 1,
          expire: true,
        });
        const rows = await tenantOutbox(db(), tenantId);
        const sink = broker.sink(broker.port);
        try {
          const run = await relayUntilIdle({ store: store(), sink, clock: manualClock() }, OPTIONS);
          expect({ failed: run.failed, parked: run.parked }).toEqual({ failed: 0, parked: 0 });
        } finally {
          await sink.close();
        }
        const got = await read(tenantId, rows.length);
        expect(got).toHaveLength(rows.length);
        expectDelivered(
          got.map((d) => d.envelope),
          rows,
          true,
        );
        expectLayout(broker, got);
      });

      if (broker === nats) {
        it('nats: the same envelope published twice through the sink is one message in the stream', async () => {
          const tenantId = newTenantId();
          const envelope: EventEnvelope = {
            id: uuidv7(),
            type: 'order.created',
            tenantId,
            aggregateType: 'order',
            aggregateId: uuidv7(),
            occurredAt: new Date().toISOString(),
            data: { redelivery: false },
          };
          const sink = broker.sink(broker.port);
          try {
            await sink.publish(envelope);
            await sink.publish(envelope);
            await sink.publish({ ...envelope, data: { redelivery: true } });
          } finally {
            await sink.close();
          }
          expect((await read(tenantId, 1)).map((d) => d.envelope)).toEqual([envelope]);
        });
      }

      it(`${broker.name}: while it is unreachable events stay in the outbox with attempts; once it is back every event arrives, in order per order`, async () => {
        const h = http();
        const tenantId = newTenantId();
        const [variant] = await h.seedProducts(tenantId, { onHand: 1000 });
        if (!variant) throw new Error('no variant');
        const place = () => placeDirect(h.system, tenantId, 'buyer', [[variant, 1]]);
        const proxy = await startTcpProxy({ host: HOST, port: broker.port });
        const sink = broker.sink(proxy.port);
        const clock = manualClock();
        const relay = () =>
          relayOutbox({ store: createSqlOutboxStore(db()), sink, clock }, OPTIONS);
        try {
          await place();
          await place();
          await relayUntilIdle({ store: store(), sink, clock }, OPTIONS);
          expect(proxy.accepted()).toBeGreaterThan(0);
          const before = await tenantOutbox(db(), tenantId);
          expect(before.filter((r) => r.published_at === null)).toEqual([]);

          // A burst of orders, with a relay running; the broker goes away after the third.
          let bursting = true;
          const relaying = (async () => {
            while (bursting) {
              await relay();
              await sleep(5);
            }
          })();
          for (let i = 0; i < 8; i++) {
            await place();
            if (i === 2) await proxy.close();
          }
          bursting = false;
          await relaying;
          await relay();

          const during = await tenantOutbox(db(), tenantId);
          expect(during).toHaveLength(20); // 10 orders, two events each: nothing lost
          const waiting = during.filter((r) => r.published_at === null);
          expect(waiting.length).toBeGreaterThanOrEqual(10);
          const heads = new Map<string, (typeof waiting)[number]>();
          for (const row of waiting)
            if (!heads.has(row.aggregate_id)) heads.set(row.aggregate_id, row);
          for (const head of heads.values()) {
            expect(head.attempts).toBeGreaterThanOrEqual(1);
            expect(head.last_error).toEqual(expect.any(String));
            expect(head.parked_at).toBeNull();
            expect(head.next_attempt_at?.getTime()).toBeGreaterThan(clock.now().getTime());
          }

          await proxy.reopen();
          await eventually(
            'every event published after the broker is back',
            async () => {
              clock.advanceMinutes(1);
              await relayUntilIdle({ store: store(), sink, clock }, OPTIONS);
              const rows = await tenantOutbox(db(), tenantId);
              return rows.every((r) => r.published_at !== null) ? true : undefined;
            },
            20_000,
          );
          const rows = await tenantOutbox(db(), tenantId);
          const got = await read(tenantId, rows.length);
          expectDelivered(
            got.map((d) => d.envelope),
            rows,
            false,
          );
          expectLayout(broker, got);
        } finally {
          await sink.close();
          await proxy.close();
        }
      });
    });
  }
});
