import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RequestContext, Role } from '../app/context.ts';
import { type DomainError, domainError } from '../domain/errors.ts';
import { sendError } from './envelope.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking, for which tenant: set for every /api request that passed the gateway check. */
    ctx: RequestContext;
  }
}

const GATEWAY_ROLES: readonly Role[] = ['user', 'seller', 'admin'];
const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const USER_ID = /^[A-Za-z0-9@._:|-]{1,128}$/;

export interface GatewayAuthOptions {
  gatewayKey: string;
  defaultTenantId: string;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The gateway in front of us authenticates people and tells us who they are in headers; we
 * trust those headers only with the shared gateway key. Compared in constant time.
 */
export function readGatewayContext(
  request: FastifyRequest,
  options: GatewayAuthOptions,
): RequestContext | DomainError {
  const key = header(request, 'x-gateway-key');
  if (key === undefined || !timingSafeEqual(digest(key), digest(options.gatewayKey))) {
    return domainError('UNAUTHENTICATED', 'Missing or wrong x-gateway-key.');
  }
  const userId = header(request, 'x-user-id');
  if (userId === undefined) return domainError('UNAUTHENTICATED', 'Missing x-user-id.');
  if (!USER_ID.test(userId)) {
    return domainError('VALIDATION_FAILED', 'x-user-id: 1–128 letters, digits or @._:|-', {
      field: 'headers.x-user-id',
    });
  }
  const role = (header(request, 'x-user-role') ?? 'user') as Role;
  if (!GATEWAY_ROLES.includes(role)) {
    return domainError('VALIDATION_FAILED', `x-user-role: one of ${GATEWAY_ROLES.join(', ')}`, {
      field: 'headers.x-user-role',
    });
  }
  const tenantId = header(request, 'x-tenant-id') ?? options.defaultTenantId;
  if (!TENANT_ID.test(tenantId)) {
    return domainError('VALIDATION_FAILED', 'x-tenant-id: lower-case letters, digits, _ and -', {
      field: 'headers.x-tenant-id',
    });
  }
  return {
    tenantId,
    userId,
    role,
    sellerId: role === 'seller' ? userId : undefined,
    requestId: request.id,
  };
}

/** Guards every route registered in `app` (use inside the /api plugin). */
export function requireGateway(app: FastifyInstance, options: GatewayAuthOptions): void {
  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.addHook('onRequest', async (request, reply) => {
    const ctx = readGatewayContext(request, options);
    if ('code' in ctx) return sendError(reply, ctx);
    request.ctx = ctx;
  });
}

export const gatewayHeadersDoc = {
  'x-gateway-key': 'The shared key of the trusted gateway (GATEWAY_KEY).',
  'x-user-id': 'The authenticated user, as the gateway knows them.',
  'x-user-role': 'user (default), seller or admin.',
  'x-tenant-id': 'The tenant; DEFAULT_TENANT_ID when absent.',
};
