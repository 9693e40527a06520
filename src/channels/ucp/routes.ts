import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AgentKeys } from '../../app/agent-keys/service.ts';
import type { ProductSearch } from '../../app/catalog/search.ts';
import type { RequestContext } from '../../app/context.ts';
import type { OrderLifecycle } from '../../app/orders/lifecycle.ts';
import { markShipped } from '../../app/orders/mark-shipped.ts';
import type { OrderQueries } from '../../app/orders/queries.ts';
import { domainError } from '../../domain/errors.ts';
import { requireAgent, sendUcp, UCP_TAGS } from './agent-auth.ts';
import { lookupResponse, searchResponse } from './catalog-map.ts';
import { businessProfile } from './discovery.ts';
import { ucpError, ucpErrorBody } from './errors.ts';
import { lookupRequest, searchRequest } from './requests.ts';
import { recordShipment } from './shipment.ts';

export interface UcpRoutesOptions {
  /** Absolute URL of the REST binding (our public base URL): served at the root. */
  endpoint: string;
  paymentHandlerId: string;
  /** Unset: no simulation endpoint at all. */
  simulationSecret?: string | undefined;
  agentKeys: AgentKeys;
  productSearch: ProductSearch;
  lifecycle: OrderLifecycle;
  orders: OrderQueries;
  /** Shipping recorded in the order's UCP record, with its webhook. */
  shipment: Parameters<typeof recordShipment>[0];
  /** The checkout-session and order routes (wired in register.ts). */
  register?: (app: FastifyInstance) => Promise<void>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Anything that escaped a UCP route, answered in UCP's error shape rather than our envelope. */
function installUcpErrors(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'unhandled error in a UCP route');
      const { body } = ucpError(domainError('INTERNAL_ERROR'));
      return sendUcp(reply, 500, body);
    }
    const code = status === 415 ? 'unsupported_media_type' : 'invalid_input';
    return sendUcp(reply, status, ucpErrorBody(code, error.message));
  });
}

/**
 * The Universal Commerce Protocol's REST binding, at the server root as the conformance suite
 * expects: discovery, catalog, checkout sessions, orders, and (in test mode) simulated shipping.
 */
export const ucpRoutes: FastifyPluginAsync<UcpRoutesOptions> = async (app, options) => {
  installUcpErrors(app);

  app.get(
    '/.well-known/ucp',
    {
      schema: {
        tags: UCP_TAGS,
        summary: 'The UCP business profile: version, REST service, capabilities, payment handlers',
      },
    },
    async (_request, reply) =>
      sendUcp(
        reply,
        200,
        businessProfile({ endpoint: options.endpoint, paymentHandlerId: options.paymentHandlerId }),
      ),
  );

  await app.register(async (agents) => {
    requireAgent(agents, options.agentKeys);

    agents.post(
      '/catalog/search',
      { schema: { tags: UCP_TAGS, summary: 'UCP catalog search: products by words, paginated' } },
      async (request, reply) => {
        const parsed = searchRequest.safeParse(request.body ?? {});
        if (!parsed.success) return sendUcp(reply, 400, invalid(parsed.error));
        const result = await options.productSearch.search(request.agent.ctx, {
          query: parsed.data.query,
          limit: parsed.data.pagination?.limit,
          after: parsed.data.pagination?.cursor,
        });
        if (!result.ok) return sendFailure(reply, result.error);
        return sendUcp(reply, 200, searchResponse(result.value));
      },
    );

    agents.post(
      '/catalog/lookup',
      { schema: { tags: UCP_TAGS, summary: 'UCP catalog lookup: products by id or SKU' } },
      async (request, reply) => {
        const parsed = lookupRequest.safeParse(request.body);
        if (!parsed.success) return sendUcp(reply, 400, invalid(parsed.error));
        const result = await options.productSearch.lookup(request.agent.ctx, parsed.data.ids);
        if (!result.ok) return sendFailure(reply, result.error);
        return sendUcp(reply, 200, lookupResponse(parsed.data.ids, result.value));
      },
    );

    if (options.simulationSecret !== undefined) {
      const secret = digest(options.simulationSecret);
      agents.post<{ Params: { orderId: string } }>(
        '/testing/simulate-shipping/:orderId',
        {
          schema: {
            tags: UCP_TAGS,
            summary: 'UCP test mode: mark an order shipped (needs the Simulation-Secret header)',
          },
        },
        async (request, reply) => {
          const given = request.headers['simulation-secret'];
          if (typeof given !== 'string' || !timingSafeEqual(digest(given), secret)) {
            return sendUcp(
              reply,
              403,
              ucpErrorBody('forbidden', 'Wrong or missing Simulation-Secret.', 'unrecoverable'),
            );
          }
          // Shipping is staff work: the simulation acts as an internal caller of the tenant.
          const staff: RequestContext = { ...request.agent.ctx, role: 'internal' };
          const shipped = await markShipped(
            { lifecycle: options.lifecycle, orders: options.orders },
            staff,
            request.params.orderId,
            'simulated shipping (test mode)',
          );
          if (!shipped.ok) return sendFailure(reply, shipped.error);
          await recordShipment(options.shipment, shipped.value);
          return sendUcp(reply, 200, { id: shipped.value.id, status: 'shipped' });
        },
      );
    }

    await options.register?.(agents);
  });
};

function sendFailure(reply: Parameters<typeof sendUcp>[0], error: Parameters<typeof ucpError>[0]) {
  const { status, body } = ucpError(error);
  return sendUcp(reply, status, body);
}

function invalid(error: { issues: { path: PropertyKey[]; message: string }[] }) {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join('.') || 'body';
  return ucpErrorBody('invalid_input', `${field}: ${issue?.message ?? 'invalid'}`);
}
