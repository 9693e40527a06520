import type { FastifyInstance } from 'fastify';
import type { EventSink } from '../../app/outbox/ports.ts';
import { agentKeyRoutes } from '../../http/agent-keys.routes.ts';
import { type CallerAuthOptions, requireCaller } from '../../http/caller-auth.ts';
import { installIdempotency } from '../../http/idempotency.ts';
import { newTimeOrderedId } from '../../platform.ts';
import type { System } from '../../system.ts';
import { withAcpWebhooks } from '../acp/register.ts';
import { acpShipmentEvents } from '../acp/webhooks.ts';
import { checkoutRoutes } from './checkout.routes.ts';
import { orderRoutes } from './order.routes.ts';
import { createPlatformProfiles } from './platform-profile.ts';
import { ucpRoutes } from './routes.ts';
import { ucpOrderEvents, withUcpOrderWebhooks } from './webhooks.ts';

/**
 * The AI agent channel on the HTTP server: the admin routes for agent API keys under /api
 * (behind the gateway, like every /api route), and the UCP binding at the root.
 */
export async function registerUcp(
  app: FastifyInstance,
  system: System,
  auth: CallerAuthOptions,
): Promise<void> {
  await app.register(
    async (api) => {
      requireCaller(api, auth);
      installIdempotency(api, system.idempotency);
      await api.register(agentKeyRoutes, { agentKeys: system.agentKeys });
    },
    { prefix: '/api' },
  );
  await app.register(ucpRoutes, {
    endpoint: `${system.config.publicBaseUrl}/`,
    paymentHandlerId: system.config.agents.paymentHandlerId,
    simulationSecret: system.config.agents.simulationSecret,
    agentKeys: system.agentKeys,
    productSearch: system.productSearch,
    lifecycle: system.lifecycle,
    orders: system.orders,
    shipment: {
      agentOrders: system.agentOrders,
      newEvent: ucpOrderEvents(newTimeOrderedId),
      clock: system.clock,
      baseUrl: system.config.publicBaseUrl,
      protocolEvent: acpShipmentEvents(newTimeOrderedId),
    },
    register: async (agents) => {
      const baseUrl = system.config.publicBaseUrl;
      const profiles = createPlatformProfiles({
        fetcher: system.outbound,
        now: () => Date.now(),
        onError: (profileUrl, err) =>
          system.logger.warn({ err, profileUrl }, 'UCP platform profile could not be read'),
      });
      await agents.register(
        checkoutRoutes({
          checkoutSessions: system.checkoutSessions,
          agentOrders: system.agentOrders,
          idempotency: system.agentIdempotency,
          profiles,
          clock: system.clock,
          baseUrl,
          paymentHandlerId: system.config.agents.paymentHandlerId,
          newEvent: ucpOrderEvents(newTimeOrderedId),
          orders: system.orderRepository,
        }),
      );
      await agents.register(
        orderRoutes({
          orders: system.orders,
          agentOrders: system.agentOrders,
          clock: system.clock,
          baseUrl,
        }),
      );
    },
  });
}

/** The configured sink, with UCP order webhooks added; none stays none (another relay runs). */
export function withAgentWebhooks(system: System, sink: EventSink | null): EventSink | null {
  if (!sink) return null;
  return withUcpOrderWebhooks(withAcpWebhooks(system, sink), {
    fetcher: system.outbound,
    baseUrl: system.config.publicBaseUrl,
  });
}
