import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { domainError } from '../domain/errors.ts';
import { errorResponses, okEnvelope, sendError } from './envelope.ts';

export interface OpsOptions {
  /** The bearer token the CLI reads from the data folder's owner file. */
  token: string;
  commands: readonly [string, ...string[]];
  run: (command: string) => Promise<string>;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The maintenance commands of the CLI, run by the server that holds the embedded store (a second
 * process must not open it). Only whoever can read the data folder has the token.
 */
export const opsRoutes: FastifyPluginAsyncZod<OpsOptions> = async (app, options) => {
  const expected = digest(`Bearer ${options.token}`);
  app.post('/ops/:command', {
    schema: {
      operationId: 'runMaintenanceCommand',
      tags: ['operations'],
      summary: 'Run a CLI maintenance command (seed-demo, expire, relay, unpark) in the server',
      security: [{ opsToken: [] }],
      description:
        'For `ordersession seed-demo`, `expire --once`, `relay --once` and `relay --unpark` while ' +
        'the server holds the embedded store. Authorization: Bearer <token from DATA_DIR/owner.json>.',
      params: z.object({ command: z.enum(options.commands) }),
      response: {
        200: okEnvelope(
          z.object({ command: z.string(), message: z.string() }).meta({
            examples: [{ command: 'expire', message: 'Expired 2 payment windows.' }],
          }),
        ),
        ...errorResponses(400, 401),
      },
    },
    handler: async (request, reply) => {
      const given = digest(request.headers.authorization ?? '');
      if (!timingSafeEqual(given, expected)) {
        return sendError(
          reply,
          domainError(
            'UNAUTHENTICATED',
            'The maintenance API needs the token of DATA_DIR/owner.json.',
          ),
        );
      }
      const { command } = request.params;
      const message = await options.run(command);
      request.log.info({ command, message }, 'maintenance command run');
      return { success: true as const, data: { command, message } };
    },
  });
};
