import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { signServiceRequest } from '../app/service-signature.ts';
import type { paths } from './schema.ts';

export type Role = 'user' | 'seller' | 'admin';

export interface OrdersessionClientOptions {
  /** Where the service answers, e.g. `http://127.0.0.1:3006`. */
  baseUrl: string;
  /** Calls as a person, through the trusted gateway: its key and who the person is. */
  gateway?: { key: string; userId: string; role?: Role; tenantId?: string };
  /**
   * Calls as another service instead: every request is signed with SERVICE_SECRET (method,
   * path, tenant, user, idempotency key, a one-time nonce and the body).
   */
  service?: { name: string; secret: string; tenantId: string; userId?: string };
  /**
   * The Idempotency-Key of an unsafe /api call that was given none: by default a new UUID per
   * call. Give a key yourself (`params.header['idempotency-key']`) and reuse it to make a retry
   * safe; `false` sends none.
   */
  idempotencyKey?: false | (() => string);
  /** Another fetch (a test's, a proxy's). */
  fetch?: (input: Request) => Promise<Response>;
}

export type OrdersessionClient = Client<paths>;

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const WEBHOOK_PATH = '/api/payments/webhook';

const isApiCall = (request: Request) => {
  const { pathname } = new URL(request.url);
  return pathname.startsWith('/api/') && pathname !== WEBHOOK_PATH;
};

function gatewayHeaders(gateway: NonNullable<OrdersessionClientOptions['gateway']>): Middleware {
  return {
    onRequest({ request }) {
      if (!isApiCall(request)) return;
      request.headers.set('x-gateway-key', gateway.key);
      request.headers.set('x-user-id', gateway.userId);
      if (gateway.role) request.headers.set('x-user-role', gateway.role);
      if (gateway.tenantId) request.headers.set('x-tenant-id', gateway.tenantId);
    },
  };
}

function idempotencyKeys(newKey: () => string): Middleware {
  return {
    onRequest({ request }) {
      if (!UNSAFE.has(request.method) || !isApiCall(request)) return;
      if (!request.headers.has('idempotency-key')) request.headers.set('idempotency-key', newKey());
    },
  };
}

/** Signs last, over the request exactly as it goes out (its idempotency key included). */
function serviceSignature(service: NonNullable<OrdersessionClientOptions['service']>): Middleware {
  return {
    async onRequest({ request }) {
      if (!isApiCall(request)) return;
      const url = new URL(request.url);
      const rawBody = request.body === null ? '' : await request.clone().text();
      const signed = signServiceRequest(service.secret, {
        serviceName: service.name,
        method: request.method,
        url: `${url.pathname}${url.search}`,
        tenantId: service.tenantId,
        userId: service.userId,
        idempotencyKey: request.headers.get('idempotency-key') ?? undefined,
        rawBody,
      });
      for (const [name, value] of Object.entries(signed)) request.headers.set(name, value);
    },
  };
}

/**
 * A typed client of the HTTP API (openapi-fetch over the types openapi-typescript generated
 * from the server's OpenAPI document): paths, parameters, bodies and answers are checked by
 * the compiler.
 *
 * ```ts
 * const api = createOrdersessionClient({ baseUrl, gateway: { key, userId: 'alice' } });
 * const { data, error } = await api.POST('/api/sessions');
 * ```
 */
export function createOrdersessionClient(options: OrdersessionClientOptions): OrdersessionClient {
  if (options.gateway && options.service) {
    throw new Error('createOrdersessionClient: give gateway or service, not both');
  }
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  if (options.gateway) client.use(gatewayHeaders(options.gateway));
  if (options.idempotencyKey !== false) {
    client.use(idempotencyKeys(options.idempotencyKey ?? (() => crypto.randomUUID())));
  }
  if (options.service) client.use(serviceSignature(options.service));
  return client;
}
