import type { RequestContext } from '../../app/context.ts';
import { discordBuyerId, discordUserIdOf } from '../../app/discord/identity.ts';
import type { OrderSessionRepository } from '../../app/order-sessions/repository.ts';
import {
  createOrderSessionService as createCoreService,
  type OrderSessionServiceOptions,
} from '../../app/order-sessions/service.ts';
import type {
  OrderSessionCreateInput,
  OrderSessionItem,
  OrderSessionPatchInput,
  OrderSessionRecord,
  ShippingAddress,
} from '../../domain/order-session/types.ts';
import { fail, type Result } from '../../domain/result.ts';

/**
 * The library API for those who write their own Discord bot: sessions addressed by Discord user
 * rather than by session id, records shaped for a bot. A thin adapter over the one session
 * service and machine: every rule (states, TTL, limits, catalog prices) is the core's.
 */

/** The tenant a bot acts for (a guild's shop, say). */
export interface BotContext {
  tenantId: string;
  requestId?: string;
}

export interface DiscordOrderSession {
  id: string;
  tenantId: string;
  discordUserId: string;
  /** The guild the session was begun in; null for a DM. */
  guildId: string | null;
  state: OrderSessionRecord['state'];
  items: OrderSessionItem[];
  shippingAddress: ShippingAddress | null;
  paymentMethod: string | null;
  currency: string | null;
  /** The first order placed from the session (a cart of several sellers places several). */
  submittedOrderId: string | null;
  submittedOrderIds: string[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
}

export type DiscordOrderSessionCreate = Omit<DiscordOrderSession, 'version' | 'tenantId'>;

export type DiscordOrderSessionPatch = Partial<
  Pick<
    DiscordOrderSession,
    'state' | 'items' | 'shippingAddress' | 'paymentMethod' | 'currency' | 'submittedOrderIds'
  >
> &
  Pick<DiscordOrderSession, 'updatedAt' | 'expiresAt'> & {
    /** The update applies only if the stored version still equals it (then bumps it). */
    expectedVersion: number;
  };

/** Where a bot's sessions live; every call names its tenant through `ctx`. */
export interface DiscordOrderSessionRepository {
  getById(ctx: BotContext, id: string): Promise<DiscordOrderSession | null>;
  /** The user's open session, even one past its expiry not yet swept. */
  getActiveByDiscordUser(
    ctx: BotContext,
    discordUserId: string,
  ): Promise<DiscordOrderSession | null>;
  /** null when the user already has an open session. */
  create(ctx: BotContext, input: DiscordOrderSessionCreate): Promise<DiscordOrderSession | null>;
  /** null when the version moved on (another writer won) or the session is gone. */
  update(
    ctx: BotContext,
    id: string,
    patch: DiscordOrderSessionPatch,
  ): Promise<DiscordOrderSession | null>;
}

/** An item as a bot may hand it: only `productId` (a variant id) and `quantity` are used. */
export interface DiscordItemInput {
  productId: string;
  quantity: number;
  name?: string;
  sku?: string;
  /** Ignored: the price is the catalog's (as are name, SKU and currency). */
  unitPriceCents?: number;
  currency?: string;
}

export interface DiscordOrderSessionService {
  begin(
    ctx: BotContext,
    input: { discordUserId: string; guildId?: string | null },
  ): Promise<Result<DiscordOrderSession>>;
  getActive(ctx: BotContext, discordUserId: string): Promise<DiscordOrderSession | null>;
  addItem(
    ctx: BotContext,
    input: { discordUserId: string; item: DiscordItemInput },
  ): Promise<Result<DiscordOrderSession>>;
  removeItem(
    ctx: BotContext,
    input: { discordUserId: string; sku: string },
  ): Promise<Result<DiscordOrderSession>>;
  setShipping(
    ctx: BotContext,
    input: { discordUserId: string; shippingAddress: ShippingAddress },
  ): Promise<Result<DiscordOrderSession>>;
  setPaymentMethod(
    ctx: BotContext,
    input: { discordUserId: string; paymentMethod: string },
  ): Promise<Result<DiscordOrderSession>>;
  markSubmitted(
    ctx: BotContext,
    input: { discordUserId: string; orderId: string },
  ): Promise<Result<DiscordOrderSession>>;
  cancel(ctx: BotContext, input: { discordUserId: string }): Promise<Result<DiscordOrderSession>>;
}

function toDiscord(record: OrderSessionRecord): DiscordOrderSession {
  return {
    id: record.id,
    tenantId: record.tenantId,
    discordUserId: discordUserIdOf(record.userId) ?? record.userId,
    guildId: record.channelScope ?? null,
    state: record.state,
    items: record.items,
    shippingAddress: record.shippingAddress,
    paymentMethod: record.paymentMethod,
    currency: record.currency,
    submittedOrderId: record.submittedOrderIds[0] ?? null,
    submittedOrderIds: record.submittedOrderIds,
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    expiresAt: record.expiresAt,
  };
}

function toCore(session: DiscordOrderSession): OrderSessionRecord {
  const { discordUserId, guildId, submittedOrderId: _first, ...rest } = session;
  return {
    ...rest,
    userId: discordBuyerId(discordUserId),
    channel: 'discord',
    channelScope: guildId,
  };
}

/** A bot-shaped repository over one of ours (`createSqlOrderSessionRepository`, the memory one). */
export function discordSessionRepository(
  core: OrderSessionRepository,
): DiscordOrderSessionRepository {
  const mapped = (record: OrderSessionRecord | null) => (record ? toDiscord(record) : null);
  return {
    getById: async (ctx, id) => mapped(await core.getById(ctx.tenantId, id)),
    getActiveByDiscordUser: async (ctx, discordUserId) =>
      mapped(await core.getActiveByDiscordUser(ctx.tenantId, discordBuyerId(discordUserId))),
    async create(ctx, input) {
      const { discordUserId, guildId, submittedOrderId: _first, ...rest } = input;
      const record: OrderSessionCreateInput = {
        ...rest,
        tenantId: ctx.tenantId,
        userId: discordBuyerId(discordUserId),
        channel: 'discord',
        channelScope: guildId,
      };
      return mapped(await core.create(record));
    },
    async update(ctx, id, patch) {
      const { expectedVersion, ...change } = patch;
      return mapped(await core.update(ctx.tenantId, id, expectedVersion, change));
    },
  };
}

/** The core's repository port over a bot-shaped repository. */
function coreRepository(repository: DiscordOrderSessionRepository): OrderSessionRepository {
  const mapped = (session: DiscordOrderSession | null) => (session ? toCore(session) : null);
  return {
    getById: async (tenantId, id) => mapped(await repository.getById({ tenantId }, id)),
    getActiveByDiscordUser: async (tenantId, userId) =>
      mapped(
        await repository.getActiveByDiscordUser({ tenantId }, discordUserIdOf(userId) ?? userId),
      ),
    async create(input) {
      const session = toDiscord({ ...input, version: 1 });
      const { version: _v, tenantId: _t, ...create } = session;
      return mapped(await repository.create({ tenantId: input.tenantId }, create));
    },
    async update(tenantId, id, expectedVersion, patch: OrderSessionPatchInput) {
      return mapped(await repository.update({ tenantId }, id, { ...patch, expectedVersion }));
    },
  };
}

/**
 * The bot API: `begin`, `getActive`, `addItem`, `setShipping`, `setPaymentMethod`,
 * `markSubmitted` (and `removeItem`, `cancel`) by Discord user. Items are priced from
 * `options.catalog`, never from the caller.
 */
export function createOrderSessionService(
  repository: DiscordOrderSessionRepository,
  options: OrderSessionServiceOptions = {},
): DiscordOrderSessionService {
  const core = coreRepository(repository);
  const sessions = createCoreService(core, options);
  const asBuyer = (ctx: BotContext, discordUserId: string): RequestContext => ({
    tenantId: ctx.tenantId,
    userId: discordBuyerId(discordUserId),
    role: 'user',
    requestId: ctx.requestId,
  });
  const mapped = (result: Result<OrderSessionRecord>): Result<DiscordOrderSession> =>
    result.ok ? { ok: true, value: toDiscord(result.value) } : result;

  /** Runs `change` on the user's open session: an expired one answers SESSION_EXPIRED. */
  async function onOpen(
    ctx: BotContext,
    discordUserId: string,
    change: (buyer: RequestContext, sessionId: string) => Promise<Result<OrderSessionRecord>>,
  ): Promise<Result<DiscordOrderSession>> {
    const buyer = asBuyer(ctx, discordUserId);
    const open = await core.getActiveByDiscordUser(ctx.tenantId, buyer.userId);
    if (!open) return fail('SESSION_NOT_FOUND', 'This Discord user has no open order session.');
    return mapped(await change(buyer, open.id));
  }

  return {
    async begin(ctx, { discordUserId, guildId }) {
      return mapped(
        await sessions.begin(asBuyer(ctx, discordUserId), {
          channel: 'discord',
          channelScope: guildId ?? null,
        }),
      );
    },
    async getActive(ctx, discordUserId) {
      const open = await sessions.getActive(asBuyer(ctx, discordUserId));
      return open ? toDiscord(open) : null;
    },
    addItem: (ctx, { discordUserId, item }) =>
      onOpen(ctx, discordUserId, (buyer, id) =>
        sessions.addItem(buyer, id, { variantId: item.productId, quantity: item.quantity }),
      ),
    removeItem: (ctx, { discordUserId, sku }) =>
      onOpen(ctx, discordUserId, (buyer, id) => sessions.removeItem(buyer, id, sku)),
    setShipping: (ctx, { discordUserId, shippingAddress }) =>
      onOpen(ctx, discordUserId, (buyer, id) => sessions.setShipping(buyer, id, shippingAddress)),
    setPaymentMethod: (ctx, { discordUserId, paymentMethod }) =>
      onOpen(ctx, discordUserId, (buyer, id) =>
        sessions.setPaymentMethod(buyer, id, paymentMethod),
      ),
    markSubmitted: (ctx, { discordUserId, orderId }) =>
      onOpen(ctx, discordUserId, (buyer, id) => sessions.markSubmitted(buyer, id, [orderId])),
    cancel: (ctx, { discordUserId }) =>
      onOpen(ctx, discordUserId, (buyer, id) => sessions.cancel(buyer, id)),
  };
}
