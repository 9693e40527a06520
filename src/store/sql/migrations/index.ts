import type { Migration } from 'kysely';
import * as foundation from './0001_foundation.ts';
import * as orders from './0002_orders.ts';
import * as payments from './0003_payments.ts';
import * as orderHistory from './0004_order_history.ts';
import * as outboxNotify from './0005_outbox_notify.ts';
import * as requestIdempotency from './0007_request_idempotency.ts';
import * as serviceNonces from './0008_service_nonces.ts';
import * as agentCheckout from './0009_agent_checkout.ts';
import * as agentChannels from './0010_agent_channels.ts';
import * as discord from './0011_discord.ts';
import * as catalog from './0012_catalog.ts';

/** Every migration, in order. Names sort as they apply; never rename or edit a shipped one. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_orders': orders,
  '0003_payments': payments,
  '0004_order_history': orderHistory,
  '0005_outbox_notify': outboxNotify,
  '0007_request_idempotency': requestIdempotency,
  '0008_service_nonces': serviceNonces,
  '0009_agent_checkout': agentCheckout,
  '0011_discord': discord,
  '0010_agent_channels': agentChannels,
  '0012_catalog': catalog,
};
