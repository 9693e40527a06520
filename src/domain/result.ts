import { type DomainError, domainError, type ErrorCode } from './errors.ts';

/**
 * Expected business outcomes (an illegal transition, an unknown variant) are values, not
 * exceptions: a caller cannot forget that they may happen. Exceptions are for bugs and
 * infrastructure.
 */
export type Result<T, E = DomainError> = { ok: true; value: T } | { ok: false; error: E };
export type Failure = { ok: false; error: DomainError };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail(
  code: ErrorCode,
  message?: string,
  details?: Record<string, unknown>,
): Failure {
  return { ok: false, error: domainError(code, message, details) };
}
