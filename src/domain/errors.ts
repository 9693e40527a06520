/**
 * The one registry of error codes. Every expected failure anywhere in the system carries one of
 * these codes; the HTTP status for each lives in `http/error-status.ts`, and the README's error
 * table must list every code (a test checks it).
 */
export const ERROR_MESSAGES = {
  VALIDATION_FAILED: 'The request is not valid.',
  INVALID_JSON: 'The request body is not valid JSON.',
  PAYLOAD_TOO_LARGE: 'The request body is too large.',
  UNSUPPORTED_MEDIA_TYPE: 'The request body must be application/json.',
  UNAUTHENTICATED: 'The request did not come through a trusted gateway.',
  FORBIDDEN: 'This role may not do that.',
  ROUTE_NOT_FOUND: 'No such endpoint.',
  SESSION_NOT_FOUND: 'No such order session.',
  SESSION_EXPIRED: 'The order session has expired.',
  INVALID_TRANSITION: 'That action is not allowed in the current state.',
  CONCURRENT_MODIFICATION: 'The resource kept changing under this request; try again.',
  VARIANT_NOT_FOUND: 'No such product variant.',
  VARIANT_ARCHIVED: 'That product variant is archived and can no longer be bought.',
  PRODUCT_NOT_FOUND: 'No such product.',
  PRODUCT_ARCHIVED: 'The product is archived.',
  ITEM_NOT_FOUND: 'The session has no item with that SKU.',
  CURRENCY_MISMATCH: 'All items of a session must share one currency.',
  QUANTITY_LIMIT_EXCEEDED: 'The quantity for one item is over the limit.',
  TOO_MANY_ITEMS: 'The session has as many distinct items as it may hold.',
  UNSUPPORTED_PAYMENT_METHOD: 'That payment method is not accepted.',
  SKU_ALREADY_EXISTS: 'A product variant with that SKU already exists.',
  STOCK_BELOW_RESERVED: 'On-hand stock cannot go below what is reserved.',
  INSUFFICIENT_STOCK: 'Not enough stock for an item.',
  ORDER_NOT_FOUND: 'No such order.',
  IDEMPOTENCY_KEY_REQUIRED: 'An Idempotency-Key header (or idempotencyKey) is required.',
  IDEMPOTENCY_KEY_REUSED: 'This idempotency key was used with a different request.',
  COUPON_NOT_FOUND: 'No such coupon.',
  COUPON_EXPIRED: 'The coupon is not valid now.',
  COUPON_NOT_APPLICABLE: 'The coupon does not apply to this order.',
  COUPON_MINIMUM_NOT_MET: 'The subtotal is below the coupon’s minimum.',
  COUPON_ALREADY_EXISTS: 'A coupon with that code already exists.',
  PAYMENT_SESSION_NOT_FOUND: 'The order has no payment session.',
  SESSION_NOT_ACTIVE: 'The payment session is not active.',
  MAX_ATTEMPTS_REACHED: 'Every payment attempt of this session is used.',
  PAYMENT_PROVIDER_FAILED: 'The payment provider could not start the payment.',
  WEBHOOK_SIGNATURE_INVALID: 'The webhook signature is missing, wrong or too old.',
  PAYMENT_NOT_FOUND: 'No such payment.',
  RATE_LIMITED: 'Too many requests; slow down.',
  INTERNAL_ERROR: 'Something went wrong on our side.',
  SERVICE_UNAVAILABLE: 'A dependency of the service is unavailable.',
  STORE_UNAVAILABLE: 'The database is unavailable for the moment; retry shortly.',
  SHUTTING_DOWN: 'This instance is shutting down; retry, another instance will answer.',
  IDEMPOTENCY_KEY_IN_USE: 'A request with this idempotency key is still running; retry shortly.',
  MALFORMED_REQUEST: 'The request is not valid HTTP.',
  HEADERS_TOO_LARGE: 'The request line and headers are over 16 KB.',
  REQUEST_TIMEOUT: 'The request did not arrive in time.',
  REQUEST_REPLAYED: 'This signed request was already received.',
  // Agent checkout sessions
  CHECKOUT_SESSION_NOT_FOUND: 'No such checkout session (or it has expired).',
  CHECKOUT_SESSION_LOCKED:
    'Orders were placed for this checkout session; only its payment can change.',
  FULFILLMENT_NOT_SELECTED: 'Fulfillment address and option must be selected',
  PAYMENT_DECLINED: 'The payment was declined.',
  PAYMENT_FRAUD_SUSPECTED: 'The payment was refused as suspected fraud.',
  SHIPPING_RATE_NOT_FOUND: 'No such shipping rate.',
  PROMOTION_NOT_FOUND: 'No such promotion.',
  BUYER_NOT_FOUND: 'No such buyer.',
  BUYER_EMAIL_TAKEN: 'Another buyer of the tenant has that e-mail address.',
  EVENT_NOT_PARKED: 'No such parked outbox event.',
  DISCORD_SIGNATURE_INVALID: 'The Discord request signature is missing, wrong or too old.',
  DISCORD_GUILD_LINKED_ELSEWHERE: 'That Discord server is linked to another shop.',
  DISCORD_GUILD_NOT_FOUND: 'This shop has no linked Discord server with that id.',
  // AI agents (UCP)
  AGENT_KEY_NOT_FOUND: 'No such agent API key.',
  PROTOCOL_VERSION_UNSUPPORTED:
    'The agent asked for a protocol version this service does not speak.',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export interface DomainError {
  readonly code: ErrorCode;
  readonly message: string;
  /** Machine-readable context: the failing field, the from-state, the available stock… */
  readonly details?: Readonly<Record<string, unknown>>;
}

export function domainError(
  code: ErrorCode,
  message?: string,
  details?: Record<string, unknown>,
): DomainError {
  return details === undefined
    ? { code, message: message ?? ERROR_MESSAGES[code] }
    : { code, message: message ?? ERROR_MESSAGES[code], details };
}
