import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { domainError } from '../domain/errors.ts';
import { errorResponses, okEnvelope, sendError } from './envelope.ts';

export interface HealthOptions {
  store: string;
  /** Resolves when the database answers. */
  ping: () => Promise<void>;
}

export const healthRoutes: FastifyPluginAsyncZod<HealthOptions> = async (app, { store, ping }) => {
  app.get('/health', {
    schema: {
      tags: ['operations'],
      summary: 'Alive, and the database answers',
      response: {
        200: okEnvelope(z.object({ status: z.literal('ok'), store: z.string() })),
        ...errorResponses(503),
      },
    },
    handler: async (request, reply) => {
      try {
        await ping();
      } catch (err) {
        request.log.warn({ err }, 'health: database unreachable');
        return sendError(
          reply,
          domainError('SERVICE_UNAVAILABLE', 'The database does not answer.'),
        );
      }
      return { success: true as const, data: { status: 'ok' as const, store } };
    },
  });
};
