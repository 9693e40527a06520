import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { domainError } from '../domain/errors.ts';
import { errorResponses, okEnvelope, sendError } from './envelope.ts';

export interface HealthOptions {
  store: string;
  /** Resolves when the database answers. */
  ping: () => Promise<void>;
  /** Migrations not yet applied. */
  pendingMigrations: () => Promise<string[]>;
}

export const healthRoutes: FastifyPluginAsyncZod<HealthOptions> = async (
  app,
  { store, ping, pendingMigrations },
) => {
  app.get('/ready', {
    schema: {
      operationId: 'getReadiness',
      tags: ['operations'],
      summary: 'Ready for traffic: the database answers and its migrations are current',
      security: [],
      response: {
        200: okEnvelope(
          z
            .object({ status: z.literal('ready'), store: z.string() })
            .meta({ examples: [{ status: 'ready', store: 'embedded' }] }),
        ),
        ...errorResponses(503),
      },
    },
    handler: async (request, reply) => {
      let pending: string[];
      try {
        pending = await pendingMigrations();
      } catch (err) {
        request.log.warn({ err }, 'ready: database unreachable');
        return sendError(
          reply,
          domainError('SERVICE_UNAVAILABLE', 'The database does not answer.'),
        );
      }
      if (pending.length > 0) {
        return sendError(
          reply,
          domainError('SERVICE_UNAVAILABLE', `Migrations pending: ${pending.join(', ')}.`, {
            pending,
          }),
        );
      }
      return { success: true as const, data: { status: 'ready' as const, store } };
    },
  });

  app.get('/health', {
    schema: {
      operationId: 'getHealth',
      tags: ['operations'],
      summary: 'Alive, and the database answers',
      security: [],
      response: {
        200: okEnvelope(
          z
            .object({ status: z.literal('ok'), store: z.string() })
            .meta({ examples: [{ status: 'ok', store: 'embedded' }] }),
        ),
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
