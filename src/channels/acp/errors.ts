import type { DomainError, ErrorCode } from '../../domain/errors.ts';
import { HTTP_STATUS } from '../../http/error-status.ts';

/** ACP's protocol-level error (`Error` in the 2026-04-17 schema). */
export interface AcpErrorBody {
  type: 'invalid_request' | 'processing_error' | 'service_unavailable';
  code: string;
  message: string;
  param?: string;
  supported_versions?: string[];
}

export function acpErrorBody(
  code: string,
  message: string,
  extra: { param?: string | undefined; type?: AcpErrorBody['type'] } = {},
): AcpErrorBody {
  return {
    type: extra.type ?? 'invalid_request',
    code,
    message,
    ...(extra.param ? { param: extra.param } : {}),
  };
}

/** Our codes as ACP codes where the spec names one; others are sent lower-cased. */
const ACP_CODES: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'invalid',
  INVALID_JSON: 'invalid_json',
  UNAUTHENTICATED: 'unauthorized',
  CHECKOUT_SESSION_NOT_FOUND: 'not_found',
  VARIANT_NOT_FOUND: 'not_found',
  INSUFFICIENT_STOCK: 'out_of_stock',
  PAYMENT_DECLINED: 'payment_declined',
  INVALID_TRANSITION: 'invalid_state',
};

const FINAL = new Set(['completed', 'canceled']);

/** A JSONPath for the field an error names, when it names one. */
function paramOf(error: DomainError): string | undefined {
  const details = (error.details ?? {}) as { path?: unknown; field?: unknown };
  if (typeof details.path === 'string') return details.path;
  if (typeof details.field === 'string' && details.field !== '') return `$.${details.field}`;
  return undefined;
}

/**
 * A use case's failure in ACP's terms. Cancelling (or changing) a session that is already
 * completed or canceled is 405, as the spec's cancel operation says.
 */
export function acpError(
  error: DomainError,
  operation?: 'cancel',
): { status: number; body: AcpErrorBody } {
  const from = (error.details as { from?: unknown } | undefined)?.from;
  if (
    operation === 'cancel' &&
    error.code === 'INVALID_TRANSITION' &&
    typeof from === 'string' &&
    FINAL.has(from)
  ) {
    return {
      status: 405,
      body: acpErrorBody('not_cancelable', `The checkout session is already ${from}.`),
    };
  }
  const status = HTTP_STATUS[error.code] ?? 500;
  return {
    status,
    body: acpErrorBody(ACP_CODES[error.code] ?? error.code.toLowerCase(), error.message, {
      param: paramOf(error),
      type: status >= 500 ? 'processing_error' : 'invalid_request',
    }),
  };
}
