import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import {
  type AgentIdempotencyStore,
  agentRequestHash,
  runIdempotent,
} from '../../app/agent-idempotency.ts';
import type { AgentOrderStore } from '../../app/agent-orders.ts';
import type { ProductSearch } from '../../app/catalog/search.ts';
import type { CheckoutSessionService } from '../../app/checkout-sessions/service.ts';
import type { RequestContext } from '../../app/context.ts';
import type { OrderQueries } from '../../app/orders/queries.ts';
import type { OrderReadRepository } from '../../app/orders/repository.ts';
import type { Clock } from '../../app/ports.ts';
import type { DomainError } from '../../domain/errors.ts';
import { formatMinorUnits } from '../../domain/money-format.ts';
import { lookupResponse, searchResponse } from '../ucp/catalog-map.ts';
import { ucpErrorOf } from '../ucp/errors.ts';
import { toCompleteInput, toUcpCheckout, toUpdateInput } from '../ucp/map.ts';
import { buildOrderDocument, toUcpOrder, type UcpOrderDocument } from '../ucp/order-map.ts';
import { checkoutRequest, completeRequest, lookupRequest, searchRequest } from '../ucp/requests.ts';

export interface McpDeps {
  idempotency: AgentIdempotencyStore;
  checkoutSessions: CheckoutSessionService;
  productSearch: ProductSearch;
  orders: OrderQueries;
  orderRepository: OrderReadRepository;
  agentOrders: AgentOrderStore;
  clock: Clock;
  /** Public base URL, no trailing slash. */
  baseUrl: string;
  paymentHandlerId: string;
  version: string;
}

/** Orders and sessions made through MCP are owned by `mcp:<key id>`. */
export const MCP_USER_PREFIX = 'mcp';

type Outcome = { ok: true; value: Record<string, unknown> } | { ok: false; error: DomainError };

/** A tool's answer: the UCP object as structured content, and a line a model can read. */
function result(
  outcome: Outcome,
  summary: (value: Record<string, unknown>) => string,
): CallToolResult {
  if (!outcome.ok) {
    const { code } = outcome.error;
    const ucp = ucpErrorOf(outcome.error);
    return {
      isError: true,
      content: [{ type: 'text', text: `${code}: ${outcome.error.message}` }],
      structuredContent: {
        error: code,
        code: ucp.code,
        message: outcome.error.message,
        details: outcome.error.details ?? {},
      },
    };
  }
  return {
    content: [{ type: 'text', text: summary(outcome.value) }],
    structuredContent: outcome.value,
  };
}

function invalid(error: z.ZodError): Outcome {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join('.') || 'input';
  return {
    ok: false,
    error: {
      code: 'VALIDATION_FAILED',
      message: `${field}: ${issue?.message ?? 'invalid'}`,
      details: { field },
    },
  };
}

const meta = z
  .looseObject({
    'ucp-agent': z.looseObject({ profile: z.string().optional() }).optional(),
    'idempotency-key': z.string().max(255).optional(),
  })
  .optional()
  .describe('Request metadata (UCP): the platform profile and an idempotency key; optional here.');

const checkoutShape = z
  .looseObject({})
  .describe(
    'A UCP checkout: {line_items: [{item: {id: <product id from search_catalog>}, quantity}], buyer: {email, first_name, last_name}, fulfillment: {methods: [{type: "shipping", destinations: [{street_address, address_locality, address_region, postal_code, address_country}], groups: [{selected_option_id}]}]}, discounts: {codes: []}}. Fields sent replace the current ones.',
  );

const money = (amount: unknown, currency: unknown) =>
  typeof amount === 'number' && typeof currency === 'string'
    ? formatMinorUnits(amount, currency)
    : '?';

function checkoutSummary(value: Record<string, unknown>): string {
  const totals = (value.totals as { type: string; amount: number }[] | undefined) ?? [];
  const total = totals.find((t) => t.type === 'total')?.amount;
  const messages = (value.messages as { code: string }[] | undefined) ?? [];
  const lines = (value.line_items as unknown[] | undefined)?.length ?? 0;
  return `Checkout ${value.id}: ${value.status}, ${lines} line(s), total ${money(total, value.currency)}${
    messages.length > 0 ? `; messages: ${messages.map((m) => m.code).join(', ')}` : ''
  }.`;
}

type Meta = { 'idempotency-key'?: string | undefined } | undefined;

/**
 * A state-changing tool under `meta["idempotency-key"]` (as the binding maps the HTTP header):
 * the first successful result is replayed for the same arguments; other arguments, or the first
 * call still running, are a tool error IDEMPOTENCY_KEY_REUSED. Without a key it just runs.
 */
async function idempotent(
  deps: McpDeps,
  ctx: RequestContext,
  meta: Meta,
  operation: string,
  resource: string,
  args: unknown,
  run: () => Promise<CallToolResult>,
): Promise<CallToolResult> {
  const key = meta?.['idempotency-key']?.trim();
  if (!key) return run();
  const outcome = await runIdempotent(
    deps.idempotency,
    {
      tenantId: ctx.tenantId,
      key: `${ctx.userId}:mcp.${operation}:${resource}:${key}`,
      operation: `mcp.${operation}`,
      requestHash: agentRequestHash(`mcp.${operation}`, resource, args),
      now: deps.clock.now(),
    },
    async () => {
      const answer = await run();
      return { status: answer.isError ? 400 : 200, body: JSON.stringify(answer) };
    },
  );
  if (outcome.kind === 'conflict') {
    const message =
      outcome.reason === 'in_flight'
        ? 'A call with this idempotency-key is still running; retry shortly.'
        : 'This idempotency-key was used with other arguments.';
    return result({ ok: false, error: { code: 'IDEMPOTENCY_KEY_REUSED', message } }, () => '');
  }
  return JSON.parse(outcome.answer.body) as CallToolResult;
}

/**
 * The UCP MCP binding's tools (services/shopping/mcp.openrpc.json) over the agent checkout core,
 * for one authenticated agent: the same mapping as the UCP REST binding, answered as tool results.
 */
export function createMcpServer(deps: McpDeps, ctx: RequestContext): McpServer {
  const server = new McpServer({ name: 'ordersession', version: deps.version });
  const present = (session: Parameters<typeof toUcpCheckout>[0]) =>
    toUcpCheckout(session, { baseUrl: deps.baseUrl, paymentHandlerId: deps.paymentHandlerId });
  const asOutcome = <T>(
    r: { ok: true; value: T } | { ok: false; error: DomainError },
    f: (v: T) => unknown,
  ): Outcome => (r.ok ? { ok: true, value: f(r.value) as Record<string, unknown> } : r);

  server.registerTool(
    'search_catalog',
    {
      description:
        'Search the merchant catalog. Returns products with their ids (use them as line_items[].item.id) and prices in minor units.',
      inputSchema: {
        meta,
        catalog: z
          .looseObject({ query: z.string().max(500).optional() })
          .describe('{query: "roses"}'),
      },
    },
    async ({ catalog }) => {
      const parsed = searchRequest.safeParse(catalog ?? {});
      if (!parsed.success) return result(invalid(parsed.error), () => '');
      const found = await deps.productSearch.search(ctx, {
        query: parsed.data.query,
        limit: parsed.data.pagination?.limit,
      });
      return result(
        asOutcome(found, searchResponse),
        (v) => `${(v.products as unknown[]).length} product(s) found.`,
      );
    },
  );

  server.registerTool(
    'lookup_catalog',
    {
      description: 'Look products up by id.',
      inputSchema: {
        meta,
        catalog: z.looseObject({ ids: z.array(z.string()) }).describe('{ids: ["bouquet_roses"]}'),
      },
    },
    async ({ catalog }) => {
      const parsed = lookupRequest.safeParse(catalog);
      if (!parsed.success) return result(invalid(parsed.error), () => '');
      const found = await deps.productSearch.lookup(ctx, parsed.data.ids);
      return result(
        asOutcome(found, (v) => lookupResponse(parsed.data.ids, v)),
        (v) => `${(v.products as unknown[]).length} product(s).`,
      );
    },
  );

  server.registerTool(
    'create_checkout',
    {
      description:
        'Start a checkout with line items (and optionally buyer, fulfillment, discounts).',
      inputSchema: { meta, checkout: checkoutShape },
    },
    async ({ meta: m, checkout }) =>
      idempotent(deps, ctx, m, 'create', '', checkout, async () => {
        const parsed = checkoutRequest.safeParse(checkout);
        if (!parsed.success) return result(invalid(parsed.error), () => '');
        const created = await deps.checkoutSessions.create(ctx, toUpdateInput(parsed.data, null));
        return result(asOutcome(created, present), checkoutSummary);
      }),
  );

  server.registerTool(
    'get_checkout',
    {
      description: 'Read a checkout: status, totals, fulfillment options, messages.',
      inputSchema: { meta, id: z.string().min(1).describe('The checkout id') },
    },
    async ({ id }) =>
      result(asOutcome(await deps.checkoutSessions.get(ctx, id), present), checkoutSummary),
  );

  server.registerTool(
    'update_checkout',
    {
      description:
        'Replace a checkout (send the whole checkout as you want it): lines, buyer, shipping destination, selected option (fulfillment.methods[0].groups[0].selected_option_id), discount codes.',
      inputSchema: { meta, id: z.string().min(1), checkout: checkoutShape },
    },
    async ({ meta: m, id, checkout }) =>
      idempotent(deps, ctx, m, 'update', id, checkout, async () => {
        const parsed = checkoutRequest.safeParse(checkout);
        if (!parsed.success) return result(invalid(parsed.error), () => '');
        const current = await deps.checkoutSessions.get(ctx, id);
        if (!current.ok) return result(current, () => '');
        const updated = await deps.checkoutSessions.update(
          ctx,
          id,
          toUpdateInput(parsed.data, current.value),
        );
        return result(asOutcome(updated, present), checkoutSummary);
      }),
  );

  server.registerTool(
    'complete_checkout',
    {
      description:
        'Pay and place the order. checkout: {payment: {instruments: [{id, handler_id, type: "card", credential: {type: "token", token}}]}}.',
      inputSchema: {
        meta,
        id: z.string().min(1),
        checkout: z.looseObject({}).describe('{payment: {instruments: [...]}}'),
      },
    },
    async ({ meta: m, id, checkout }) =>
      idempotent(deps, ctx, m, 'complete', id, checkout, async () => {
        const parsed = completeRequest.safeParse(checkout);
        if (!parsed.success) return result(invalid(parsed.error), () => '');
        const completed = await deps.checkoutSessions.complete(
          ctx,
          id,
          toCompleteInput(parsed.data),
        );
        if (!completed.ok) return result(completed, () => '');
        const { session, orders } = completed.value;
        for (const placed of orders) {
          const order = (await deps.orderRepository.findOrder(ctx.tenantId, placed.id)) ?? placed;
          await deps.agentOrders.insert(
            {
              tenantId: ctx.tenantId,
              orderId: order.id,
              checkoutId: session.id,
              webhookUrl: null,
              document: { ...buildOrderDocument(session, order) },
            },
            deps.clock.now(),
          );
        }
        return result({ ok: true, value: present(session) }, checkoutSummary);
      }),
  );

  server.registerTool(
    'cancel_checkout',
    {
      description: 'Cancel a checkout that is not completed.',
      inputSchema: { meta, id: z.string().min(1) },
    },
    async ({ meta: m, id }) =>
      idempotent(deps, ctx, m, 'cancel', id, {}, async () =>
        result(asOutcome(await deps.checkoutSessions.cancel(ctx, id), present), checkoutSummary),
      ),
  );

  server.registerTool(
    'get_order',
    {
      description: 'Read an order placed through a checkout.',
      inputSchema: { meta, id: z.string().min(1).describe('The order id') },
    },
    async ({ id }) => {
      const order = await deps.orders.getOrder(ctx, id);
      if (!order.ok) return result(order, () => '');
      const record = await deps.agentOrders.find(ctx.tenantId, id);
      if (!record)
        return result(
          { ok: false, error: { code: 'ORDER_NOT_FOUND', message: 'Order not found.' } },
          () => '',
        );
      const value = toUcpOrder(
        order.value,
        record.document as unknown as UcpOrderDocument,
        deps.baseUrl,
      );
      return result(
        { ok: true, value: value as unknown as Record<string, unknown> },
        (v) => `Order ${v.id}.`,
      );
    },
  );

  return server;
}
