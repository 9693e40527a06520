import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RequestContext, Role } from '../app/context.ts';
import { type ServiceNonceStore, verifyServiceRequest } from '../app/service-signature.ts';
import { type DomainError, domainError } from '../domain/errors.ts';
import { sendError } from './envelope.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking, for which tenant: set for every /api request that passed authentication. */
    ctx: RequestContext;
    /** The body exactly as received, for signatures over it. */
    rawBody: string | undefined;
  }
}

const GATEWAY_ROLES: readonly Role[] = ['user', 'seller', 'admin'];
const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const USER_ID = /^[A-Za-z0-9@._:|-]{1,128}$/;

export interface CallerAuthOptions {
  gatewayKey: string;
  defaultTenantId: string;
  /** Unset: service-to-service calls are refused. */
  serviceSecret?: string | undefined;
  /** Empty: any service name with the right signature. */
  allowedServices?: readonly string[];
  /** Where signed calls' nonces are remembered, shared by every instance. */
  nonces: ServiceNonceStore;
  now?: () => Date;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function tenantAndUser(
  request: FastifyRequest,
  fallback: { tenantId: string | undefined; userId: string | undefined },
): { tenantId: string; userId: string } | DomainError {
  const tenantId = header(request, 'x-tenant-id') ?? fallback.tenantId;
  if (tenantId === undefined) {
    return domainError('VALIDATION_FAILED', 'x-tenant-id is required', {
      field: 'headers.x-tenant-id',
    });
  }
  if (!TENANT_ID.test(tenantId)) {
    return domainError('VALIDATION_FAILED', 'x-tenant-id: lower-case letters, digits, _ and -', {
      field: 'headers.x-tenant-id',
    });
  }
  const userId = header(request, 'x-user-id') ?? fallback.userId;
  if (userId === undefined) return domainError('UNAUTHENTICATED', 'Missing x-user-id.');
  if (!USER_ID.test(userId)) {
    return domainError('VALIDATION_FAILED', 'x-user-id: 1–128 letters, digits or @._:|-', {
      field: 'headers.x-user-id',
    });
  }
  return { tenantId, userId };
}

/**
 * A person, through the gateway in front of us: it authenticated them and tells us who they
 * are in headers, which we trust only with the shared gateway key (compared in constant time).
 */
export function readGatewayContext(
  request: FastifyRequest,
  options: CallerAuthOptions,
): RequestContext | DomainError {
  const key = header(request, 'x-gateway-key');
  if (key === undefined || !timingSafeEqual(digest(key), digest(options.gatewayKey))) {
    return domainError('UNAUTHENTICATED', 'Missing or wrong x-gateway-key.');
  }
  const who = tenantAndUser(request, { tenantId: options.defaultTenantId, userId: undefined });
  if ('code' in who) return who;
  const role = (header(request, 'x-user-role') ?? 'user') as Role;
  if (!GATEWAY_ROLES.includes(role)) {
    return domainError('VALIDATION_FAILED', `x-user-role: one of ${GATEWAY_ROLES.join(', ')}`, {
      field: 'headers.x-user-role',
    });
  }
  return {
    ...who,
    role,
    sellerId: role === 'seller' ? who.userId : undefined,
    requestId: request.id,
  };
}

/**
 * Another service, signing each request with the shared SERVICE_SECRET; it acts for x-tenant-id
 * (and x-user-id), which the signature covers. Its nonce is claimed last, so that a request
 * refused for another reason does not use it up; a nonce seen before is refused.
 */
export async function readServiceContext(
  request: FastifyRequest,
  options: CallerAuthOptions,
): Promise<RequestContext | DomainError> {
  if (!options.serviceSecret)
    return domainError('UNAUTHENTICATED', 'Service-to-service calls are not enabled.');
  const now = options.now?.() ?? new Date();
  const check = verifyServiceRequest(
    options.serviceSecret,
    {
      nameHeader: header(request, 'x-service-name'),
      authHeader: header(request, 'x-service-auth') ?? '',
      nonceHeader: header(request, 'x-service-nonce'),
      method: request.method,
      url: request.url,
      tenantHeader: header(request, 'x-tenant-id'),
      userHeader: header(request, 'x-user-id'),
      idempotencyKeyHeader: header(request, 'idempotency-key'),
      rawBody: request.rawBody ?? '',
    },
    {
      nowUnixSeconds: Math.floor(now.getTime() / 1000),
      allowedServices: options.allowedServices ?? [],
    },
  );
  if (!check.ok)
    return domainError('UNAUTHENTICATED', `Service authentication failed: ${check.reason}.`);
  const who = tenantAndUser(request, {
    tenantId: undefined,
    userId: `service:${check.serviceName}`,
  });
  if ('code' in who) return who;
  let fresh: boolean;
  try {
    fresh = await options.nonces.claim(check.nonce, check.serviceName, check.expiresAt, now);
  } catch (err) {
    request.log.error({ err }, 'service nonce store unavailable');
    return domainError('SERVICE_UNAVAILABLE', 'Cannot check the request nonce now; retry.');
  }
  if (!fresh) {
    return domainError('REQUEST_REPLAYED', 'This X-Service-Nonce was used before.', {
      service: check.serviceName,
    });
  }
  return { ...who, role: 'internal', requestId: request.id };
}

/**
 * Guards every route registered in `app` (use inside the /api plugin). People are checked as
 * soon as the request arrives; signed service calls once their body is read, since the
 * signature covers it.
 */
export function requireCaller(app: FastifyInstance, options: CallerAuthOptions): void {
  // Fastify wants a placeholder of the decorated type; every route here sets it in the hook below.
  app.decorateRequest('ctx', null as unknown as RequestContext);
  const isService = (request: FastifyRequest) => request.headers['x-service-auth'] !== undefined;
  app.addHook('onRequest', async (request, reply) => {
    if (isService(request)) return;
    const ctx = readGatewayContext(request, options);
    if ('code' in ctx) return sendError(reply, ctx);
    request.ctx = ctx;
  });
  app.addHook('preValidation', async (request, reply) => {
    if (!isService(request)) return;
    const ctx = await readServiceContext(request, options);
    if ('code' in ctx) return sendError(reply, ctx);
    request.ctx = ctx;
  });
}
