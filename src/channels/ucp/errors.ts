import type { DomainError, ErrorCode } from '../../domain/errors.ts';
import { HTTP_STATUS } from '../../http/error-status.ts';
import { UCP_VERSION } from './version.ts';

export type Severity =
  | 'recoverable'
  | 'requires_buyer_input'
  | 'requires_buyer_review'
  | 'unrecoverable';

interface UcpError {
  status: number;
  code: string;
  severity: Severity;
}

/**
 * Our codes in UCP's terms: the HTTP status, the UCP error code (the spec's standard codes where
 * one fits) and the severity. A code not listed keeps our status and is sent lower-cased.
 */
const UCP_ERRORS: Partial<Record<ErrorCode, Partial<UcpError>>> = {
  VALIDATION_FAILED: { code: 'invalid_input' },
  INVALID_JSON: { code: 'invalid_input' },
  UNAUTHENTICATED: { code: 'unauthenticated', severity: 'unrecoverable' },
  FORBIDDEN: { code: 'insufficient_scope', severity: 'unrecoverable' },
  ROUTE_NOT_FOUND: { code: 'not_found', severity: 'unrecoverable' },
  ORDER_NOT_FOUND: { code: 'not_found', severity: 'unrecoverable' },
  SESSION_NOT_FOUND: { code: 'not_found', severity: 'unrecoverable' },
  SESSION_EXPIRED: { code: 'not_found', severity: 'unrecoverable' },
  VARIANT_NOT_FOUND: { code: 'not_found' },
  INSUFFICIENT_STOCK: { code: 'out_of_stock' },
  INVALID_TRANSITION: { code: 'invalid_state', severity: 'unrecoverable' },
  IDEMPOTENCY_KEY_REUSED: { status: 409, code: 'idempotency_conflict' },
  PROTOCOL_VERSION_UNSUPPORTED: { code: 'version_unsupported', severity: 'unrecoverable' },
  CURRENCY_MISMATCH: { code: 'invalid_input' },
  PAYMENT_PROVIDER_FAILED: { code: 'payment_failed' },
};

export function ucpErrorOf(error: DomainError): UcpError {
  const mapped = UCP_ERRORS[error.code] ?? {};
  return {
    status: mapped.status ?? HTTP_STATUS[error.code],
    code: mapped.code ?? error.code.toLowerCase(),
    severity: mapped.severity ?? 'recoverable',
  };
}

/** UCP's error response: no resource, `ucp.status` error, and the messages saying why. */
export function ucpErrorBody(code: string, content: string, severity: Severity = 'recoverable') {
  return {
    ucp: { version: UCP_VERSION, status: 'error' as const },
    messages: [{ type: 'error' as const, code, content, severity }],
  };
}

export function ucpError(error: DomainError): {
  status: number;
  body: ReturnType<typeof ucpErrorBody>;
} {
  const mapped = ucpErrorOf(error);
  return { status: mapped.status, body: ucpErrorBody(mapped.code, error.message, mapped.severity) };
}
