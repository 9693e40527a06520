import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { errorEnvelope } from './envelope.ts';
import { finishDocument, type OpenApiDocument } from './openapi-finish.ts';
import { RATE_LIMITED_ROUTES } from './rate-limits.ts';
import './openapi-components.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * What the document says a route reads or answers where its schema cannot say it: a body
     * checked by hand (the webhook's signed text), an answer sent as text (metrics).
     */
    openapi?: { body?: unknown; headers?: unknown; response?: Record<string, unknown> };
  }
}

export interface OpenApiSettings {
  /** Where clients reach this service (PUBLIC_BASE_URL). */
  serverUrl: string;
  /** The payment methods of the configured providers: the document lists them as an enum. */
  paymentMethods: readonly string[];
  /** The rate-limited routes answer 429; absent: no limits configured. */
  rateLimited: boolean;
}

/** The tags, in the order a reader meets them, each with what it groups. */
export const API_TAGS = [
  {
    name: 'order sessions',
    description:
      "A buyer's cart in progress on one channel: add catalog variants, give shipping and a payment method, submit. One open session per buyer; 30 minutes idle and it expires.",
  },
  {
    name: 'catalog',
    description: 'Products and variants: read by everyone, managed by admins.',
  },
  {
    name: 'orders',
    description:
      'Checkout (one order per seller, stock reserved for all lines or none; an idempotency key is required) and reading orders.',
  },
  {
    name: 'orders (admin)',
    description: 'Every order of the tenant, for admins and internal services.',
  },
  {
    name: 'order lifecycle',
    description:
      'Status changes along the lifecycle table (pending → awaiting_payment → paid → … → completed, cancelled, expired, refunds), with their history.',
  },
  {
    name: 'payments',
    description:
      "Each order's payment window (15 minutes, 3 attempts by default), retries, and the payment provider's signed webhook.",
  },
  {
    name: 'pricing (admin)',
    description: 'Tax and fee rates, rounding, flat shipping and coupons, per tenant.',
  },
  {
    name: 'agent checkout: merchant data (admin)',
    description:
      'Shipping rates, free-shipping promotions and the buyer address book that AI agents’ checkout sessions are computed from.',
  },
  {
    name: 'agents (admin)',
    description:
      'API keys of AI agent platforms (UCP, ACP), and whether agents without one are served.',
  },
  {
    name: 'discord (admin)',
    description:
      'Links between Discord servers and the tenant whose catalog their /order command uses.',
  },
  {
    name: 'operations',
    description: 'Health, readiness, metrics and the maintenance commands of the CLI.',
  },
] as const;

const DESCRIPTION = `Order and checkout sessions, idempotent checkout with atomic stock reservation, payment windows.

**Who is calling.** Every \`/api\` request (but the payment webhook) comes through a trusted gateway that authenticated the person and says who they are in headers, trusted only with the gateway key: \`x-gateway-key\`, \`x-user-id\`, \`x-user-role\` (\`user\` by default, \`seller\`, \`admin\`) and \`x-tenant-id\` (DEFAULT_TENANT_ID when absent). Fill them in once under **Authorize** to try any call, an admin's included. Another service may instead sign each request with the shared SERVICE_SECRET (\`x-service-name\`, \`x-service-nonce\`, \`x-service-auth\`; the typed client \`ordersession/client\` does it).

**Answers.** Every answer is \`{"success": true, "data": …}\` or \`{"success": false, "error": "CODE", "message": "…", "details": {…}}\`; the codes are stable (the \`Error\` schema lists them). Every answer carries \`x-request-id\`.

**Retries.** Unsafe \`/api\` calls take an optional \`Idempotency-Key\` (required to place a checkout): the same key and request answer the first answer again with \`Idempotent-Replayed: true\`.

**Not in this document.** The AI agent protocols follow their own published specifications and are served at the root: UCP (\`/.well-known/ucp\`, \`/checkout-sessions\`, \`/orders\`, \`/catalog\`; https://ucp.dev), the Agentic Commerce Protocol (\`/checkout_sessions\`; https://www.agenticcommerce.dev), MCP (\`/mcp\`, Streamable HTTP; https://modelcontextprotocol.io) and Discord interactions (\`/discord/interactions\`; https://discord.com/developers/docs/interactions/receiving-and-responding). The buyer's payment page (\`/pay\`) and the operator console (\`/admin\`) are web pages.`;

/** Paths documented here; every other route is a web page or a protocol binding (see above). */
const DOCUMENTED = /^\/(api\/|health$|ready$|metrics$|ops\/|sandbox\/)/;

/** Where an /api route can fail whatever it does: a bad caller header, no caller, the database away. */
const API_ERRORS = [400, 401, 503] as const;
/** A route that reads a body can also meet one too large or not JSON. */
const BODY_ERRORS = [413, 415] as const;

type RouteSchema = Record<string, unknown> & { response?: Record<string, unknown> };

/** Adds the failures every /api route can meet to its documented responses. */
function withCommonErrors(
  url: string,
  method: string,
  schema: RouteSchema,
  rateLimited: boolean,
): RouteSchema {
  if (!url.startsWith('/api/') || url === '/api/payments/webhook') return schema;
  const statuses: number[] = [...API_ERRORS];
  if (rateLimited && RATE_LIMITED_ROUTES[`${method} ${url}`]) statuses.push(429);
  if (['POST', 'PUT', 'PATCH'].includes(method)) statuses.push(...BODY_ERRORS);
  if (url.startsWith('/api/admin/')) statuses.push(403);
  if (url.includes(':')) statuses.push(404);
  const response = { ...(schema.response ?? {}) };
  for (const status of statuses) response[status] ??= errorEnvelope;
  return { ...schema, response };
}

/**
 * The OpenAPI document, generated from the route schemas: zod schemas registered with an id
 * become components, and `finishDocument` adds what the routes do not say one by one.
 */
export function openApiOptions(settings: OpenApiSettings): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ordersession',
        description: DESCRIPTION,
        version: '0.1.0',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
        contact: { name: 'ordersession maintainers' },
      },
      servers: [{ url: settings.serverUrl, description: 'This service (PUBLIC_BASE_URL)' }],
      tags: [...API_TAGS],
      components: {
        securitySchemes: {
          gatewayKey: {
            type: 'apiKey',
            in: 'header',
            name: 'x-gateway-key',
            description:
              'The shared key of the trusted gateway (GATEWAY_KEY; generated into DATA_DIR/gateway-key when unset).',
          },
          user: {
            type: 'apiKey',
            in: 'header',
            name: 'x-user-id',
            description:
              'The authenticated user, as the gateway knows them (1–128 letters, digits or @._:|-). A seller’s is their seller id.',
          },
          role: {
            type: 'apiKey',
            in: 'header',
            name: 'x-user-role',
            description: '`user` (default), `seller` or `admin`.',
          },
          tenant: {
            type: 'apiKey',
            in: 'header',
            name: 'x-tenant-id',
            description:
              'The tenant (lower-case letters, digits, _ and -); DEFAULT_TENANT_ID when absent. Required with a service signature.',
          },
          serviceName: {
            type: 'apiKey',
            in: 'header',
            name: 'x-service-name',
            description: 'A signed service call: the calling service (one of ALLOWED_SERVICES).',
          },
          serviceNonce: {
            type: 'apiKey',
            in: 'header',
            name: 'x-service-nonce',
            description:
              'A signed service call: a one-time nonce; a second use is 401 REQUEST_REPLAYED.',
          },
          serviceSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'x-service-auth',
            description:
              'A signed service call: `t=<unix seconds>,v1=<hex HMAC-SHA256>` with SERVICE_SECRET over the method, path and query, tenant, user, idempotency key, nonce and raw body (signServiceRequest in ordersession/client).',
          },
          opsToken: {
            type: 'http',
            scheme: 'bearer',
            description:
              'The token of DATA_DIR/owner.json (only the server holding the embedded store has these routes).',
          },
        },
      },
      security: [
        { gatewayKey: [], user: [], role: [], tenant: [] },
        { serviceName: [], serviceNonce: [], serviceSignature: [], tenant: [], user: [] },
      ],
    },
    transform: (input) => {
      const { url, route } = input;
      if (!DOCUMENTED.test(url)) return { schema: { hide: true } as never, url };
      const method = Array.isArray(route.method) ? String(route.method[0]) : String(route.method);
      const documented = route.config?.openapi;
      const own = (input.schema ?? {}) as RouteSchema;
      const schema = withCommonErrors(
        url,
        method,
        {
          ...own,
          ...(documented?.body ? { body: documented.body } : {}),
          ...(documented?.headers ? { headers: documented.headers } : {}),
          ...(documented?.response
            ? { response: { ...own.response, ...documented.response } }
            : {}),
        },
        settings.rateLimited,
      );
      const publicRoute = !url.startsWith('/api/') || url === '/api/payments/webhook';
      return jsonSchemaTransform({
        ...input,
        schema: {
          ...(publicRoute && !schema.security ? { security: [] } : {}),
          ...schema,
        } as never,
      });
    },
    transformObject: (input) =>
      finishDocument(
        jsonSchemaTransformObject(input) as unknown as OpenApiDocument,
        settings,
      ) as never,
  };
}

export const swaggerUiOptions: FastifySwaggerUiOptions = {
  routePrefix: '/api-docs',
  // The Authorize dialog's headers are kept across reloads: fill them in once.
  uiConfig: { persistAuthorization: true, displayOperationId: true, tryItOutEnabled: true },
};
