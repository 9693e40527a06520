import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requestHash } from '../app/checkout/request-hash.ts';
import type { FinishIdempotent, Idempotency } from '../app/idempotency/run-idempotent.ts';
import { idempotencyKeySchema } from '../domain/checkout/inputs.ts';
import { domainError } from '../domain/errors.ts';
import { errorEnvelope, sendError } from './envelope.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `in-transaction`: the route claims its key itself, inside its own transaction (the
     * checkout); the generic mechanism below leaves it alone.
     */
    idempotency?: 'in-transaction';
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';

const headerDescription =
  'Optional. The same key with the same request answers the first answer again ' +
  '(Idempotent-Replayed: true) without doing anything; with another request: 422 IDEMPOTENCY_KEY_REUSED; ' +
  'while the first is still running, a second waits for its answer (or 409 IDEMPOTENCY_KEY_IN_USE). ' +
  'Keys are kept 24 hours, per tenant, caller and route; failed requests are not kept.';

const isUnsafe = (method: string | string[]) =>
  (Array.isArray(method) ? method : [method]).some((m) => UNSAFE.has(m.toUpperCase()));

/** The header schema of an unsafe route: its own headers, plus the optional key. */
function withKeyHeader(headers: unknown): z.ZodType {
  const key = { [IDEMPOTENCY_HEADER]: idempotencyKeySchema.optional().describe(headerDescription) };
  if (headers instanceof z.ZodObject) return headers.extend(key);
  return z.object(key);
}

/**
 * One idempotency mechanism for every unsafe route registered in `api` after this call: an
 * `Idempotency-Key` header is claimed once the request is authenticated and valid, the answer
 * kept if it succeeded (2xx) and replayed byte for byte to a retry. Documented on each route.
 */
export function installIdempotency(api: FastifyInstance, idempotency: Idempotency): void {
  const pending = new WeakMap<FastifyRequest, FinishIdempotent>();

  api.addHook('onRoute', (route) => {
    if (!isUnsafe(route.method) || route.config?.idempotency === 'in-transaction') return;
    const schema = route.schema ?? {};
    route.schema = {
      ...schema,
      headers: withKeyHeader(schema.headers),
      response: { 409: errorEnvelope, 422: errorEnvelope, ...(schema.response ?? {}) },
    };
  });

  api.addHook('preHandler', async (request, reply) => {
    if (!UNSAFE.has(request.method) || request.routeOptions.config.idempotency === 'in-transaction')
      return;
    const key = request.headers[IDEMPOTENCY_HEADER];
    if (typeof key !== 'string') return;
    const ref = {
      tenantId: request.ctx.tenantId,
      scope: `${request.ctx.userId}|${request.method} ${request.routeOptions.url}`,
      key,
    };
    // A body or query the route has no schema for means nothing to it (and was never checked).
    const schema = request.routeOptions.schema;
    const hash = requestHash({
      params: request.params,
      query: schema?.querystring === undefined ? undefined : request.query,
      body: schema?.body === undefined ? undefined : request.body,
    });
    const start = await idempotency.begin(ref, hash);
    switch (start.kind) {
      case 'execute':
        pending.set(request, start.finish);
        return;
      case 'replay':
        return reply
          .code(start.response.status)
          .headers(start.response.headers)
          .header(REPLAYED_HEADER, 'true')
          .send(start.response.body);
      case 'mismatch':
        return sendError(
          reply,
          domainError('IDEMPOTENCY_KEY_REUSED', undefined, {
            field: `headers.${IDEMPOTENCY_HEADER}`,
          }),
        );
      case 'in-flight':
        reply.header('retry-after', '1');
        return sendError(
          reply,
          domainError('IDEMPOTENCY_KEY_IN_USE', undefined, {
            field: `headers.${IDEMPOTENCY_HEADER}`,
          }),
        );
    }
  });

  // The answer is stored before it is sent, so a retry arriving after it sees it.
  api.addHook('onSend', async (request, reply, payload) => {
    const finish = pending.get(request);
    if (!finish) return payload;
    pending.delete(request);
    const status = reply.statusCode;
    const body =
      typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString() : null;
    const keep = status >= 200 && status < 300 && body !== null;
    try {
      await finish(
        keep
          ? {
              status,
              headers: {
                'content-type': String(reply.getHeader('content-type') ?? 'application/json'),
              },
              body,
            }
          : null,
      );
    } catch (err) {
      // The answer still goes out; the claim goes stale and a later retry takes it over.
      request.log.error({ err }, 'idempotency: could not store the answer');
    }
    return payload;
  });

  api.addHook('onResponse', async (request) => {
    const finish = pending.get(request);
    if (!finish) return;
    pending.delete(request);
    await finish(null).catch((err: unknown) =>
      request.log.error({ err }, 'idempotency: could not release the key'),
    );
  });
}
