import type { FastifyInstance, FastifyRequest, preValidationHookHandler } from 'fastify';

export type RateLimitBucket = 'orders' | 'retries';

/**
 * The limited routes and the bucket each counts against. Placing orders is one bucket however
 * they are placed: a checkout and a session's submit share it.
 */
export const RATE_LIMITED_ROUTES: Readonly<Record<string, RateLimitBucket>> = {
  'POST /api/orders': 'orders',
  'POST /api/sessions/:id/submit': 'orders',
  'POST /api/orders/:id/retry-payment': 'retries',
};

/**
 * Who a limit counts for: a person per tenant and user; a signed service per service name
 * (whatever tenant or user it acts for); the address only before anyone is known.
 */
export function rateLimitCaller(request: FastifyRequest): string {
  const ctx = request.ctx;
  if (!ctx) return `ip:${request.ip}`;
  // Only a verified signed call gets the internal role, and its X-Service-Name is the signed one.
  if (ctx.role === 'internal') return `service:${String(request.headers['x-service-name'])}`;
  return `user:${ctx.tenantId}:${ctx.userId}`;
}

/**
 * Adds each bucket's limiter to its routes (call inside the /api plugin, after the caller check
 * and before the routes). The limiter runs at preValidation after the caller check's own hook,
 * so signed service calls, whose context is set only once their body is read, are counted as
 * their service and not as their address. One limiter per bucket, so one counter per caller:
 * in Redis when @fastify/rate-limit was given it, else in this process.
 */
export function installRateLimits(
  api: FastifyInstance,
  perMinute: Readonly<Record<RateLimitBucket, number>>,
): void {
  // The bucket is in the key; the plugin's own route part of a Redis key reads "undefinedundefined"
  // for a limiter made this way, which is harmless.
  const limiter = (bucket: RateLimitBucket): preValidationHookHandler =>
    api.rateLimit({
      max: perMinute[bucket],
      timeWindow: 60_000,
      keyGenerator: (request) => `${bucket}:${rateLimitCaller(request)}`,
    });
  const limiters: Record<RateLimitBucket, preValidationHookHandler> = {
    orders: limiter('orders'),
    retries: limiter('retries'),
  };
  api.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const bucket = methods
      .map((method) => RATE_LIMITED_ROUTES[`${method} ${route.url}`])
      .find((found) => found !== undefined);
    if (!bucket) return;
    const existing = route.preValidation;
    route.preValidation = [
      ...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]),
      limiters[bucket],
    ];
  });
}
