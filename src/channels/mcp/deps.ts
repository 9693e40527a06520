import type { RequestContext } from '../../app/context.ts';
import type { AgentCaller } from '../../domain/agent/api-key.ts';
import { agentUserId } from '../../domain/agent/api-key.ts';
import type { System } from '../../system.ts';
import { MCP_USER_PREFIX, type McpDeps } from './tools.ts';

export function mcpDeps(system: System): McpDeps {
  return {
    idempotency: system.agentIdempotency,
    checkoutSessions: system.checkoutSessions,
    productSearch: system.productSearch,
    orders: system.orders,
    orderRepository: system.orderRepository,
    agentOrders: system.agentOrders,
    clock: system.clock,
    baseUrl: system.config.publicBaseUrl,
    paymentHandlerId: system.config.agents.paymentHandlerId,
    version: '1.0.0',
  };
}

/** The agent acts as a user of its key's tenant, as on the REST bindings. */
export function mcpContext(caller: AgentCaller, requestId?: string): RequestContext {
  return {
    tenantId: caller.tenantId,
    userId: agentUserId(MCP_USER_PREFIX, caller),
    role: 'user',
    ...(requestId ? { requestId } : {}),
  };
}
