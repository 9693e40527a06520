import type { APIInteraction } from 'discord-api-types/v10';
import type { FastifyPluginAsync } from 'fastify';
import type { Clock } from '../../app/ports.ts';
import { domainError } from '../../domain/errors.ts';
import { sendError } from '../../http/envelope.ts';
import type { InteractionHandler } from './handler.ts';
import { ed25519PublicKey, verifyInteraction } from './verify.ts';

export interface InteractionRoutesOptions {
  /** DISCORD_PUBLIC_KEY, hex. */
  publicKey: string;
  handler: InteractionHandler;
  clock: Clock;
  /** Waits for work still running after its answer (deferred submits); called on close. */
  drain: () => Promise<void>;
}

/**
 * `POST /discord/interactions`, Discord's HTTP interactions. The signature is checked over the
 * exact bytes before the body is even parsed; a bad one is 401 and nothing else happens.
 * Answers are Discord's interaction responses, not our envelope (but a refusal is).
 */
export const discordInteractionRoutes: FastifyPluginAsync<InteractionRoutesOptions> = async (
  app,
  options,
) => {
  const key = ed25519PublicKey(options.publicKey);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, body.toString());
  });
  app.addHook('onClose', async () => {
    await options.drain();
  });

  app.post('/discord/interactions', {
    schema: { hide: true },
    handler: async (request, reply) => {
      const rawBody = typeof request.body === 'string' ? request.body : '';
      const header = (name: string) => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      const check = verifyInteraction(
        key,
        { signature: header('x-signature-ed25519'), timestamp: header('x-signature-timestamp') },
        rawBody,
        options.clock.now(),
      );
      if (!check.ok) {
        return sendError(
          reply,
          domainError('DISCORD_SIGNATURE_INVALID', undefined, { reason: check.reason }),
        );
      }
      let interaction: APIInteraction;
      try {
        interaction = JSON.parse(rawBody) as APIInteraction;
      } catch {
        return sendError(reply, domainError('INVALID_JSON'));
      }
      if (typeof interaction !== 'object' || interaction === null || !('type' in interaction)) {
        return sendError(
          reply,
          domainError('VALIDATION_FAILED', 'Not an interaction.', { field: 'type' }),
        );
      }
      return reply.code(200).send(await options.handler(interaction));
    },
  });
};
