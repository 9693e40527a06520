import type { Logger } from 'pino';
import { type DiscordDmStore, DM_EVENT_TYPES, type PendingDm } from '../app/discord/dm-ports.ts';
import type { EventSink, OutboxStore } from '../app/outbox/ports.ts';
import type { Clock } from '../app/ports.ts';
import { type DiscordApi, DiscordApiError } from '../channels/discord/api.ts';
import { CUSTOM_IDS } from '../channels/discord/commands.ts';
import {
  type DmOrder,
  expiredDm,
  expiringDm,
  type Message,
  paidDm,
} from '../channels/discord/map.ts';
import type { EventEnvelope } from '../domain/outbox.ts';
import { createSqlDiscordDmStore } from '../store/sql/discord.repository.ts';
import type { System } from '../system.ts';

function dmFor(event: EventEnvelope, order: DmOrder): Message | null {
  switch (event.type) {
    case 'payment.succeeded':
      return paidDm(order);
    case 'payment_session.expiring': {
      const expiresAt = new Date(String(event.data.expiresAt ?? ''));
      if (Number.isNaN(expiresAt.getTime())) return null;
      const retryId = `${CUSTOM_IDS.retry}:${order.tenantId}:${order.id}`;
      // Discord takes custom ids of up to 100 characters; a very long tenant id gets no button.
      return expiringDm(order, expiresAt, retryId.length <= 100 ? retryId : null);
    }
    case 'payment_session.expired':
      return expiredDm(order);
    default:
      return null;
  }
}

/** Discord's answer when a user takes no DMs from us: retrying cannot help. */
const DMS_CLOSED = 403;

export interface DiscordDms {
  sink: EventSink;
  /** The relay's store, reading what the sink needs before each batch's transaction. */
  outbox: OutboxStore;
}

/**
 * DMs the buyer of an order placed from Discord when it is paid, about to expire (with a Retry
 * button) and expired. It is a sink of the outbox relay, with the relay's durability: a failed
 * DM is retried with backoff, then parked, and an order's DMs go out in order.
 *
 * The relay delivers inside its claiming transaction, and the embedded store has one
 * connection, so the sink itself never touches the database: the wrapped outbox store reads the
 * orders and buyers of the coming batch just before it (`pendingDms`), and records the DMs sent
 * just after. An event the read missed (written in between) fails once and is retried.
 */
export function createDiscordDms(deps: {
  outbox: OutboxStore;
  store: DiscordDmStore;
  api: Pick<DiscordApi, 'sendDm'>;
  clock: Clock;
  logger: Logger;
}): DiscordDms {
  let plan = new Map<string, PendingDm>();
  let sent: { tenantId: string; eventId: string }[] = [];

  const sink: EventSink = {
    name: 'discord',
    async publish(event) {
      if (!(DM_EVENT_TYPES as readonly string[]).includes(event.type)) return;
      const pending = plan.get(event.id);
      if (!pending)
        throw new Error(`discord sink: event ${event.id} was not read before its batch`);
      if (!pending.discordUserId || pending.delivered) return;
      const message = dmFor(event, pending.order);
      if (!message) return;
      try {
        await deps.api.sendDm(pending.discordUserId, message);
      } catch (err) {
        if (!(err instanceof DiscordApiError && err.status === DMS_CLOSED)) throw err;
        deps.logger.warn({ err, event: event.id }, 'discord: the buyer takes no DMs; not retried');
      }
      pending.delivered = true;
      sent.push({ tenantId: event.tenantId, eventId: event.id });
    },
    async close() {},
  };

  const outbox: OutboxStore = {
    async relayBatch(now, limit, deliver) {
      // Twice the batch: the claim skips events waiting behind an earlier one of their order.
      const pending = await deps.store.pendingDms(now, limit * 2);
      plan = new Map(pending.map((p) => [p.eventId, p]));
      try {
        return await deps.outbox.relayBatch(now, limit, deliver);
      } finally {
        const done = sent;
        sent = [];
        if (done.length > 0) await deps.store.markDelivered(done, deps.clock.now());
      }
    },
    prunePublished: (before, limit) => deps.outbox.prunePublished(before, limit),
    unparkAll: (now) => deps.outbox.unparkAll(now),
  };

  return { sink, outbox };
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

/**
 * The relay's sink and store, with DMs to Discord buyers beside the sink when
 * DISCORD_BOT_TOKEN is set; unchanged otherwise.
 */
export function withDiscordDms(
  relay: { sink: EventSink | null; outbox: OutboxStore },
  system: Pick<System, 'config' | 'store' | 'discord' | 'clock' | 'logger'>,
): { sink: EventSink | null; outbox: OutboxStore } {
  if (!relay.sink || !system.config.discord.botToken) return relay;
  const dms = createDiscordDms({
    outbox: relay.outbox,
    store: createSqlDiscordDmStore(system.store.db),
    api: system.discord.api,
    clock: system.clock,
    logger: system.logger,
  });
  return { sink: combineSinks([relay.sink, dms.sink]), outbox: dms.outbox };
}
