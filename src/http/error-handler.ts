import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { domainError } from '../domain/errors.ts';
import { sendError } from './envelope.ts';
import { sendIfStoreUnavailable } from './unavailable.ts';
import { UnstorableTextError } from './validator.ts';

/**
 * Turns whatever escaped a route into the envelope: bad input into a 4xx naming the field,
 * anything else into a logged 500. Nothing is answered outside the envelope.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      domainError('ROUTE_NOT_FOUND', `No endpoint ${request.method} ${request.url.split('?')[0]}.`),
    ),
  );

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (sendIfStoreUnavailable(reply, error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return reply;
    }
    if (error instanceof UnstorableTextError) {
      const where = error.validationContext ?? 'body';
      const field = error.path ? `${where}.${error.path}` : where;
      return sendError(
        reply,
        domainError('VALIDATION_FAILED', `${field}: ${error.message}`, { field }),
      );
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issue = error.validation[0];
      const where = error.validationContext ?? 'body';
      const segments = (issue?.instancePath ?? '').split('/').filter(Boolean);
      // An unknown key is reported on its parent object; name the key itself.
      const unknownKeys = issue?.params?.keys;
      if (
        issue?.keyword === 'unrecognized_keys' &&
        Array.isArray(unknownKeys) &&
        unknownKeys.length > 0
      ) {
        segments.push(String(unknownKeys[0]));
      }
      const path = segments.join('.');
      const field = path ? `${where}.${path}` : where;
      return sendError(
        reply,
        domainError('VALIDATION_FAILED', `${field}: ${issue?.message ?? 'invalid'}`, { field }),
      );
    }
    const status = error.statusCode ?? 500;
    if (status === 413) return sendError(reply, domainError('PAYLOAD_TOO_LARGE'));
    if (status === 415) return sendError(reply, domainError('UNSUPPORTED_MEDIA_TYPE'));
    if (status === 429) return sendError(reply, domainError('RATE_LIMITED', error.message));
    if (status >= 400 && status < 500 && error.code?.startsWith('FST_ERR_CTP')) {
      return sendError(reply, domainError('INVALID_JSON', error.message));
    }
    if (status >= 400 && status < 500) {
      return sendError(reply, domainError('VALIDATION_FAILED', error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, domainError('INTERNAL_ERROR'));
  });
}
