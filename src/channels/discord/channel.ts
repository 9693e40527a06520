import type { Logger } from 'pino';
import type { SearchCatalog } from '../../app/catalog/search.ts';
import type { SubmitSession } from '../../app/checkout/submit-session.ts';
import {
  createGuildLinks,
  type GuildLinkStore,
  type GuildLinks,
} from '../../app/discord/guild-links.ts';
import type { OrderSessionService } from '../../app/order-sessions/service.ts';
import type { OrderQueries } from '../../app/orders/queries.ts';
import type { PaymentWindow } from '../../app/payments/payment-window.ts';
import type { Clock } from '../../app/ports.ts';
import type { DiscordConfig } from '../../config.ts';
import { createDiscordApi, type DiscordApi } from './api.ts';
import { createBackgroundTasks } from './background.ts';
import { createInteractionHandler } from './handler.ts';
import type { InteractionRoutesOptions } from './routes.ts';

export interface DiscordChannel {
  guildLinks: GuildLinks;
  api: DiscordApi;
  /** The interactions endpoint's options; null without DISCORD_PUBLIC_KEY (no endpoint). */
  interactions: InteractionRoutesOptions | null;
}

/** The Discord channel over the use cases the composition root built. */
export function createDiscordChannel(deps: {
  config: DiscordConfig;
  paymentMethods: readonly string[];
  sessions: OrderSessionService;
  submitSession: SubmitSession;
  searchCatalog: SearchCatalog;
  orders: OrderQueries;
  paymentWindow: PaymentWindow;
  guildStore: GuildLinkStore;
  clock: Clock;
  logger: Logger;
}): DiscordChannel {
  const api = createDiscordApi({ apiBase: deps.config.apiBase, botToken: deps.config.botToken });
  const background = createBackgroundTasks(deps.logger);
  const publicKey = deps.config.publicKey;
  return {
    api,
    guildLinks: createGuildLinks({ store: deps.guildStore, clock: deps.clock }),
    interactions: publicKey
      ? {
          publicKey,
          clock: deps.clock,
          drain: background.drain,
          handler: createInteractionHandler({
            sessions: deps.sessions,
            submitSession: deps.submitSession,
            searchCatalog: deps.searchCatalog,
            orders: deps.orders,
            paymentWindow: deps.paymentWindow,
            guilds: deps.guildStore,
            paymentMethods: deps.paymentMethods,
            defaultTenantId: deps.config.defaultTenantId,
            api,
            logger: deps.logger,
            background: background.run,
          }),
        }
      : null,
  };
}
