import type { FastifyInstance } from 'fastify';
import type { EventSink } from '../../app/outbox/ports.ts';
import { newTimeOrderedId } from '../../platform.ts';
import type { System } from '../../system.ts';
import { acpRoutes } from './routes.ts';
import { withAcpOrderWebhooks } from './webhooks.ts';

/** The platform's order-events URL, when order webhooks can be sent (URL and secret both set). */
function acpWebhook(system: System) {
  const acp = system.config.agents.acp;
  return acp?.webhookUrl && acp.webhookSecret
    ? { url: acp.webhookUrl, secret: acp.webhookSecret }
    : undefined;
}

/** The Agentic Commerce Protocol's REST binding at the root (`/checkout_sessions…`). */
export async function registerAcp(app: FastifyInstance, system: System): Promise<void> {
  await app.register(
    acpRoutes({
      checkoutSessions: system.checkoutSessions,
      agentKeys: system.agentKeys,
      agentOrders: system.agentOrders,
      idempotency: system.agentIdempotency,
      clock: system.clock,
      newId: newTimeOrderedId,
      baseUrl: system.config.publicBaseUrl,
      paymentHandlerId: system.config.agents.paymentHandlerId,
      orders: system.orderRepository,
      webhookUrl: acpWebhook(system)?.url,
    }),
  );
}

/** The sink with ACP order webhooks added, when they are configured. */
export function withAcpWebhooks(system: System, sink: EventSink): EventSink {
  const webhook = acpWebhook(system);
  if (!webhook) return sink;
  return withAcpOrderWebhooks(sink, {
    fetcher: system.outbound,
    secret: webhook.secret,
    now: () => system.clock.now(),
  });
}
