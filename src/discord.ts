/**
 * `ordersession/discord`: the order-session library as a Discord bot uses it, addressed by
 * Discord user. See the README's "Discord" section.
 */

export type { VariantCatalog } from './app/catalog/repository.ts';
export type { OrderSessionServiceOptions } from './app/order-sessions/service.ts';
export { COMMAND_DEFINITIONS } from './channels/discord/commands.ts';
export {
  type BotContext,
  createOrderSessionService,
  type DiscordItemInput,
  type DiscordOrderSession,
  type DiscordOrderSessionCreate,
  type DiscordOrderSessionPatch,
  type DiscordOrderSessionRepository,
  type DiscordOrderSessionService,
  discordSessionRepository,
} from './channels/discord/library.ts';
export { createMemoryProductRepository } from './store/memory/catalog.repository.ts';
export { createMemoryOrderSessionRepository } from './store/memory/order-session.repository.ts';
export { createSqlOrderSessionRepository } from './store/sql/order-session.repository.ts';
