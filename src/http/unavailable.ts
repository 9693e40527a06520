import type { FastifyReply } from 'fastify';
import { StoreUnavailableError } from '../app/store-unavailable.ts';
import { domainError } from '../domain/errors.ts';
import { sendError } from './envelope.ts';

/** Seconds a client is asked to wait before retrying while the database is away. */
export const STORE_RETRY_AFTER_SECONDS = 2;

/**
 * A request that failed because the database is away is not a bug: it answers 503
 * STORE_UNAVAILABLE with Retry-After, in the envelope. False when `error` is something else.
 */
export function sendIfStoreUnavailable(reply: FastifyReply, error: unknown): boolean {
  if (!(error instanceof StoreUnavailableError)) return false;
  reply.header('retry-after', String(STORE_RETRY_AFTER_SECONDS));
  void sendError(reply, domainError('STORE_UNAVAILABLE'));
  return true;
}
