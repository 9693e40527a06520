import {
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandOptionChoice,
  type APIChatInputApplicationCommandInteraction,
  type APIInteraction,
  type APIInteractionResponse,
  type APIMessageComponentInteraction,
  type APIModalSubmitInteraction,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
} from 'discord-api-types/v10';
import type { Logger } from 'pino';
import type { SearchCatalog } from '../../app/catalog/search.ts';
import type { SubmitSession } from '../../app/checkout/submit-session.ts';
import type { RequestContext } from '../../app/context.ts';
import type { GuildLinkStore } from '../../app/discord/guild-links.ts';
import { discordBuyerId } from '../../app/discord/identity.ts';
import type { OrderSessionService } from '../../app/order-sessions/service.ts';
import type { OrderQueries } from '../../app/orders/queries.ts';
import type { PaymentWindow } from '../../app/payments/payment-window.ts';
import type { OrderSessionRecord } from '../../domain/order-session/types.ts';
import type { Result } from '../../domain/result.ts';
import type { DiscordApi } from './api.ts';
import {
  CUSTOM_IDS,
  MAX_ADD_QUANTITY,
  ORDER_COMMAND,
  SUBCOMMANDS,
  type Subcommand,
} from './commands.ts';
import { INTERNAL_FAILURE, NO_DM_TENANT, readableError, UNLINKED_GUILD } from './errors.ts';
import {
  addressFromModal,
  cartMessage,
  formatMoney,
  type Message,
  paymentMenu,
  retryMessage,
  shippingModal,
  statusMessage,
  submittedMessage,
  textMessage,
} from './map.ts';

export interface DiscordHandlerDeps {
  sessions: OrderSessionService;
  submitSession: SubmitSession;
  searchCatalog: SearchCatalog;
  orders: OrderQueries;
  paymentWindow: PaymentWindow;
  guilds: Pick<GuildLinkStore, 'findGuild'>;
  paymentMethods: readonly string[];
  /** The tenant of DMs; unset: ordering by DM is refused. */
  defaultTenantId: string | undefined;
  api: DiscordApi;
  logger: Logger;
  /** Runs work after the answer is sent (a deferred submit); the server awaits it on close. */
  background: (task: () => Promise<void>) => void;
}

export type InteractionHandler = (interaction: APIInteraction) => Promise<APIInteractionResponse>;

const reply = (data: Message): APIInteractionResponse => ({
  type: InteractionResponseType.ChannelMessageWithSource,
  data,
});
/**
 * A component on a cart message replaces that message: the cart stays one message. (An update
 * keeps the message's flags; it cannot make it ephemeral, so it sends none.)
 */
const update = ({ flags: _flags, ...data }: Message): APIInteractionResponse => ({
  type: InteractionResponseType.UpdateMessage,
  data,
});
const say = (text: string) => reply(textMessage(text));
const sayError = (result: Extract<Result<unknown>, { ok: false }>) =>
  say(readableError(result.error));

type Resolved =
  | { ok: true; ctx: RequestContext; guildId: string | null }
  | { ok: false; text: string };

/**
 * Discord's interactions, one handler keyed by command and `custom_id` prefix (as Discord's own
 * sample apps do). It translates, calls the use cases, and translates back; every failure of a
 * use case becomes a readable ephemeral reply, never a failed interaction.
 */
export function createInteractionHandler(deps: DiscordHandlerDeps): InteractionHandler {
  async function resolve(interaction: APIInteraction, tenantOverride?: string): Promise<Resolved> {
    const user = interaction.member?.user ?? interaction.user;
    if (!user) return { ok: false, text: 'Discord did not say who you are; try again.' };
    const guildId = interaction.guild_id ?? null;
    let tenantId = tenantOverride;
    if (!tenantId && guildId) {
      tenantId = (await deps.guilds.findGuild(guildId))?.tenantId;
      if (!tenantId) return { ok: false, text: UNLINKED_GUILD };
    }
    tenantId ??= deps.defaultTenantId;
    if (!tenantId) return { ok: false, text: NO_DM_TENANT };
    return {
      ok: true,
      guildId,
      ctx: {
        tenantId,
        userId: discordBuyerId(user.id),
        role: 'user',
        requestId: interaction.id,
      },
    };
  }

  /** The user's open session; a readable reply when there is none. */
  async function openSession(
    ctx: RequestContext,
  ): Promise<OrderSessionRecord | APIInteractionResponse> {
    const session = await deps.sessions.getActive(ctx);
    return session ?? say('You have no open order. `/order start` begins one.');
  }

  function deferSubmit(
    interaction: APIInteraction,
    ctx: RequestContext,
    sessionId: string,
  ): APIInteractionResponse {
    deps.background(async () => {
      let message: Message;
      try {
        const submitted = await deps.submitSession(ctx, sessionId);
        message = submitted.ok
          ? submittedMessage(submitted.value.checkout.orders, submitted.value.checkout.payments)
          : textMessage(readableError(submitted.error));
      } catch (err) {
        deps.logger.error({ err, interaction: interaction.id }, 'discord submit failed');
        message = textMessage(INTERNAL_FAILURE);
      }
      await deps.api.editOriginal(interaction.application_id, interaction.token, message);
    });
    // Placing orders may take longer than Discord's three seconds: answer now, edit later.
    return {
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: { flags: MessageFlags.Ephemeral },
    };
  }

  async function addToCart(
    ctx: RequestContext,
    guildId: string | null,
    product: string,
    quantity: number,
  ): Promise<APIInteractionResponse> {
    const variantId = await resolveProduct(ctx, product);
    if (!variantId) {
      return say(
        `No product matches “${product}”. Pick one from the suggestions as you type \`/order add\`.`,
      );
    }
    const begun = await deps.sessions.begin(ctx, { channel: 'discord', channelScope: guildId });
    if (!begun.ok) return sayError(begun);
    const added = await deps.sessions.addItem(ctx, begun.value.id, { variantId, quantity });
    return added.ok ? reply(cartMessage(added.value, 'Added to your cart.')) : sayError(added);
  }

  /** An autocomplete pick is a variant id; typed text is taken if it names one SKU or product. */
  async function resolveProduct(ctx: RequestContext, product: string): Promise<string | null> {
    if (/^[0-9a-f-]{36}$/i.test(product)) return product;
    const found = await deps.searchCatalog(ctx, product, 10);
    if (!found.ok) return null;
    const wanted = product.trim().toLowerCase();
    const exact = found.value.find(
      (v) => v.sku.toLowerCase() === wanted || v.name.toLowerCase() === wanted,
    );
    return exact?.id ?? (found.value.length === 1 ? (found.value[0]?.id ?? null) : null);
  }

  async function command(
    interaction: APIChatInputApplicationCommandInteraction,
    ctx: RequestContext,
    guildId: string | null,
  ): Promise<APIInteractionResponse> {
    const sub = interaction.data.options?.[0];
    const name = sub?.name as Subcommand | undefined;
    if (interaction.data.name !== ORDER_COMMAND || !sub || !name || !SUBCOMMANDS.includes(name)) {
      return say('Unknown command. Try `/order start`.');
    }
    const options = optionValues(sub);
    switch (name) {
      case 'start': {
        const begun = await deps.sessions.begin(ctx, { channel: 'discord', channelScope: guildId });
        return begun.ok ? reply(cartMessage(begun.value)) : sayError(begun);
      }
      case 'add': {
        const quantity = Number(options.quantity ?? 1);
        if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_ADD_QUANTITY) {
          return say(`The quantity must be a whole number from 1 to ${MAX_ADD_QUANTITY}.`);
        }
        return addToCart(ctx, guildId, String(options.product ?? ''), quantity);
      }
      case 'cart': {
        const session = await openSession(ctx);
        return 'state' in session ? reply(cartMessage(session)) : session;
      }
      case 'remove': {
        const session = await openSession(ctx);
        if (!('state' in session)) return session;
        const removed = await deps.sessions.removeItem(
          ctx,
          session.id,
          String(options.product ?? ''),
        );
        return removed.ok ? reply(cartMessage(removed.value, 'Removed.')) : sayError(removed);
      }
      case 'shipping': {
        const session = await openSession(ctx);
        return 'state' in session ? shippingModal(session) : session;
      }
      case 'pay': {
        const session = await openSession(ctx);
        return 'state' in session ? reply(paymentMenu(session, deps.paymentMethods)) : session;
      }
      case 'submit': {
        const session = await openSession(ctx);
        return 'state' in session ? deferSubmit(interaction, ctx, session.id) : session;
      }
      case 'cancel': {
        const session = await openSession(ctx);
        if (!('state' in session)) return session;
        const cancelled = await deps.sessions.cancel(ctx, session.id);
        return cancelled.ok
          ? reply(cartMessage(cancelled.value, 'Your order is cancelled.'))
          : sayError(cancelled);
      }
      case 'status':
        return status(ctx);
    }
  }

  async function status(ctx: RequestContext): Promise<APIInteractionResponse> {
    const listed = await deps.orders.listOrders(ctx, {}, { limit: 5 });
    if (!listed.ok) return sayError(listed);
    const entries = await Promise.all(
      listed.value.items.map(async (order) => {
        const window = await deps.paymentWindow.getSession(ctx, order.id);
        return { order, window: window.ok ? window.value : null };
      }),
    );
    return reply(statusMessage(entries));
  }

  async function component(
    interaction: APIMessageComponentInteraction,
    ctx: RequestContext,
  ): Promise<APIInteractionResponse> {
    const [prefix, sessionId = '', arg = ''] = interaction.data.custom_id.split(':');
    switch (prefix) {
      case CUSTOM_IDS.add: {
        const added = await deps.sessions.addItem(ctx, sessionId, { variantId: arg, quantity: 1 });
        return added.ok ? update(cartMessage(added.value, 'Added one more.')) : sayError(added);
      }
      case CUSTOM_IDS.shippingButton: {
        const session = await deps.sessions.get(ctx, sessionId);
        return session.ok ? shippingModal(session.value) : sayError(session);
      }
      case CUSTOM_IDS.payButton: {
        const session = await deps.sessions.get(ctx, sessionId);
        return session.ok
          ? reply(paymentMenu(session.value, deps.paymentMethods))
          : sayError(session);
      }
      case CUSTOM_IDS.paySelect: {
        const method =
          interaction.data.component_type === ComponentType.StringSelect
            ? (interaction.data.values[0] ?? '')
            : '';
        const set = await deps.sessions.setPaymentMethod(ctx, sessionId, method);
        return set.ok ? update(cartMessage(set.value, `Paying with ${method}.`)) : sayError(set);
      }
      case CUSTOM_IDS.submit:
        return deferSubmit(interaction, ctx, sessionId);
      case CUSTOM_IDS.cancel: {
        const cancelled = await deps.sessions.cancel(ctx, sessionId);
        return cancelled.ok
          ? update(cartMessage(cancelled.value, 'Your order is cancelled.'))
          : sayError(cancelled);
      }
      case CUSTOM_IDS.retry: {
        const orderId = arg;
        const retried = await deps.paymentWindow.retryPayment(ctx, orderId, {
          userAgent: 'discord',
        });
        if (!retried.ok) return sayError(retried);
        const order = await deps.orders.getOrder(ctx, orderId);
        if (!order.ok) return sayError(order);
        return reply(
          retryMessage(order.value, retried.value.payment, retried.value.remainingAttempts),
        );
      }
      default:
        return say('That button is from an older version of this bot; try `/order start`.');
    }
  }

  async function modal(
    interaction: APIModalSubmitInteraction,
    ctx: RequestContext,
  ): Promise<APIInteractionResponse> {
    const [prefix, sessionId = ''] = interaction.data.custom_id.split(':');
    if (prefix !== CUSTOM_IDS.shippingModal) return say('Unknown form; try `/order shipping`.');
    const set = await deps.sessions.setShipping(
      ctx,
      sessionId,
      addressFromModal(modalValues(interaction)),
    );
    return set.ok ? reply(cartMessage(set.value, 'Shipping address saved.')) : sayError(set);
  }

  async function autocomplete(interaction: APIInteraction, ctx: RequestContext) {
    if (interaction.type !== InteractionType.ApplicationCommandAutocomplete) return [];
    const sub = interaction.data.options[0];
    const focused =
      sub && 'options' in sub
        ? sub.options?.find((option) => 'focused' in option && option.focused)
        : undefined;
    const text = focused && 'value' in focused ? String(focused.value) : '';
    if (sub?.name === 'remove') {
      const session = await deps.sessions.getActive(ctx);
      return (session?.items ?? [])
        .filter((item) => `${item.name} ${item.sku}`.toLowerCase().includes(text.toLowerCase()))
        .slice(0, 25)
        .map((item) => choice(`${item.name} (${item.sku}) × ${item.quantity}`, item.sku));
    }
    const found = await deps.searchCatalog(ctx, text, 25);
    if (!found.ok) return [];
    return found.value.map((variant) =>
      choice(
        `${variant.name} (${variant.sku}) — ${formatMoney(variant.priceCents, variant.currency)}`,
        variant.id,
      ),
    );
  }

  return async (interaction) => {
    if (interaction.type === InteractionType.Ping) return { type: InteractionResponseType.Pong };
    try {
      // A DM's Retry button names the order's tenant: a DM has no server to route by. The
      // payment window still checks that the order is the presser's.
      const retryTenant =
        interaction.type === InteractionType.MessageComponent &&
        interaction.data.custom_id.startsWith(`${CUSTOM_IDS.retry}:`)
          ? interaction.data.custom_id.split(':')[1]
          : undefined;
      const who = await resolve(interaction, retryTenant);
      if (interaction.type === InteractionType.ApplicationCommandAutocomplete) {
        const choices = who.ok ? await autocomplete(interaction, who.ctx) : [];
        return {
          type: InteractionResponseType.ApplicationCommandAutocompleteResult,
          data: { choices },
        };
      }
      if (!who.ok) return say(who.text);
      switch (interaction.type) {
        case InteractionType.ApplicationCommand:
          if (interaction.data.type !== ApplicationCommandType.ChatInput) {
            return say('Unknown command. Try `/order start`.');
          }
          return await command(
            interaction as APIChatInputApplicationCommandInteraction,
            who.ctx,
            who.guildId,
          );
        case InteractionType.MessageComponent:
          return await component(interaction, who.ctx);
        case InteractionType.ModalSubmit:
          return await modal(interaction, who.ctx);
        default:
          return say('This kind of interaction is not supported.');
      }
    } catch (err) {
      deps.logger.error({ err, interaction: interaction.id }, 'discord interaction failed');
      return say(INTERNAL_FAILURE);
    }
  };
}

function choice(name: string, value: string): APIApplicationCommandOptionChoice<string> {
  return { name: name.length <= 100 ? name : `${name.slice(0, 99)}…`, value };
}

/** A subcommand's options by name. */
function optionValues(
  sub: APIApplicationCommandInteractionDataOption,
): Record<string, string | number | boolean> {
  if (sub.type !== ApplicationCommandOptionType.Subcommand) return {};
  return Object.fromEntries((sub.options ?? []).map((option) => [option.name, option.value]));
}

/** The text inputs of a modal by custom id, in action rows or in labels. */
function modalValues(interaction: APIModalSubmitInteraction): Record<string, string> {
  const values: Record<string, string> = {};
  for (const entry of interaction.data.components) {
    const inner =
      'components' in entry ? entry.components : 'component' in entry ? [entry.component] : [];
    for (const input of inner) {
      if ('value' in input && typeof input.value === 'string')
        values[input.custom_id] = input.value;
    }
  }
  return values;
}
