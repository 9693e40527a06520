import type { Logger } from 'pino';
import type { OrderReadRepository } from '../app/orders/repository.ts';
import type { EventSink } from '../app/outbox/ports.ts';
import type { Clock } from '../app/ports.ts';
import { type DiscordApi, DiscordApiError } from '../channels/discord/api.ts';
import { CUSTOM_IDS } from '../channels/discord/commands.ts';
import { discordUserIdOf } from '../channels/discord/identity.ts';
import { expiredDm, expiringDm, type Message, paidDm } from '../channels/discord/map.ts';
import type { Order } from '../domain/order/types.ts';
import type { EventEnvelope } from '../domain/outbox.ts';
import {
  createSqlDiscordDeliveryStore,
  type DiscordDeliveryStore,
} from '../store/sql/discord.repository.ts';
import type { System } from '../system.ts';

export interface DiscordSinkDeps {
  orders: Pick<OrderReadRepository, 'findOrder'>;
  deliveries: DiscordDeliveryStore;
  api: Pick<DiscordApi, 'sendDm'>;
  clock: Clock;
  logger: Logger;
}

/** The DM an event calls for, if any. */
function dmFor(event: EventEnvelope, order: Order): Message | null {
  switch (event.type) {
    case 'payment.succeeded':
      return paidDm(order);
    case 'payment_session.expiring': {
      const expiresAt = new Date(String(event.data.expiresAt ?? ''));
      if (Number.isNaN(expiresAt.getTime())) return null;
      return expiringDm(order, expiresAt, `${CUSTOM_IDS.retry}:${order.tenantId}:${order.id}`);
    }
    case 'payment_session.expired':
      return expiredDm(order);
    default:
      return null;
  }
}

/** Discord's answer when a user takes no DMs from us: retrying cannot help. */
const DMS_CLOSED = 403;

/**
 * DMs the buyer of an order placed from Discord when it is paid, about to expire (with a Retry
 * button) and expired. It is a sink of the outbox relay, so it gets the relay's durability: a
 * failed DM is retried with backoff, then parked, and an order's DMs go out in order. Other events
 * and other buyers' orders pass through untouched. A DM already sent for an event id is not sent
 * again when the event is relayed twice (another sink failed the first time).
 */
export function createDiscordSink(deps: DiscordSinkDeps): EventSink {
  return {
    name: 'discord',
    async publish(event) {
      const orderId = event.data.orderId;
      if (typeof orderId !== 'string') return;
      if (
        !['payment.succeeded', 'payment_session.expiring', 'payment_session.expired'].includes(
          event.type,
        )
      ) {
        return;
      }
      const order = await deps.orders.findOrder(event.tenantId, orderId);
      const discordUserId = order ? discordUserIdOf(order.userId) : null;
      if (!order || !discordUserId) return;
      const message = dmFor(event, order);
      if (!message) return;
      if (await deps.deliveries.wasDelivered(event.tenantId, event.id)) return;
      try {
        await deps.api.sendDm(discordUserId, message);
      } catch (err) {
        if (!(err instanceof DiscordApiError && err.status === DMS_CLOSED)) throw err;
        deps.logger.warn({ err, event: event.id }, 'discord: the buyer takes no DMs; not retried');
      }
      await deps.deliveries.markDelivered(event.tenantId, event.id, deps.clock.now());
    },
    async close() {},
  };
}

/**
 * One sink that publishes to each: an event is delivered when all have it, and retried (on all:
 * consumers de-duplicate by id) when one fails.
 */
export function combineSinks(sinks: readonly EventSink[]): EventSink {
  return {
    name: sinks.map((sink) => sink.name).join('+'),
    async publish(event) {
      await Promise.all(sinks.map((sink) => sink.publish(event)));
    },
    async close() {
      await Promise.all(sinks.map((sink) => sink.close()));
    },
  };
}

/** The relay's sink, and DMs to Discord buyers beside it when DISCORD_BOT_TOKEN is set. */
export function withDiscordSink(
  sink: EventSink | null,
  system: Pick<System, 'config' | 'orderRepository' | 'store' | 'discord' | 'clock' | 'logger'>,
): EventSink | null {
  if (!sink || !system.config.discord.botToken) return sink;
  const discord = createDiscordSink({
    orders: system.orderRepository,
    deliveries: createSqlDiscordDeliveryStore(system.store.db),
    api: system.discord.api,
    clock: system.clock,
    logger: system.logger,
  });
  return combineSinks([sink, discord]);
}
