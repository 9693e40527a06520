/** The package entry point: the conversational order-session library and its types. */

export type { VariantCatalog } from './app/catalog/repository.ts';
export {
  type CheckoutSessionService,
  createCheckoutSessionService,
} from './app/checkout-sessions/service.ts';
export type { RequestContext, Role } from './app/context.ts';
export { expireDueSessions } from './app/order-sessions/expire-sessions.ts';
export type {
  OrderSessionRepository,
  OrderSessionSweepStore,
} from './app/order-sessions/repository.ts';
export {
  createOrderSessionService,
  type OrderSessionService,
  type OrderSessionServiceOptions,
} from './app/order-sessions/service.ts';
export type { Clock, IdGenerator } from './app/ports.ts';
// The same library addressed by Discord user (also `ordersession/discord`).
export {
  type BotContext,
  createOrderSessionService as createDiscordOrderSessionService,
  type DiscordOrderSession,
  type DiscordOrderSessionRepository,
  type DiscordOrderSessionService,
  discordSessionRepository,
} from './channels/discord/library.ts';
export {
  createServiceClient,
  signServiceRequest,
  signWebhook,
  verifyWebhook,
} from './client/index.ts';
export type { ProductVariant } from './domain/catalog/types.ts';
export type { CheckoutSession, CheckoutSessionStatus } from './domain/checkout-session/types.ts';
export { type DomainError, ERROR_MESSAGES, type ErrorCode } from './domain/errors.ts';
export {
  ORDER_SESSION_STATES,
  type OrderSessionAction,
  type OrderSessionState,
  orderSessionMachine,
} from './domain/order-session/machine.ts';
export type {
  OrderSessionCreateInput,
  OrderSessionItem,
  OrderSessionPatchInput,
  OrderSessionRecord,
  ShippingAddress,
} from './domain/order-session/types.ts';
export type { EventEnvelope } from './domain/outbox.ts';
export type { Result } from './domain/result.ts';
// Agent checkout sessions (issue #11): the old design's DynamoDB store surface, and the core.
export {
  CheckoutSessionError,
  DynamoSessionStore,
  type DynamoSessionStoreOptions,
  type LegacySession,
  type LegacySessionUpdates,
} from './store/dynamodb/legacy-session-store.ts';
export { createMemoryProductRepository } from './store/memory/catalog.repository.ts';
export { createMemoryOrderSessionRepository } from './store/memory/order-session.repository.ts';
export { createSqlOrderSessionRepository } from './store/sql/order-session.repository.ts';
