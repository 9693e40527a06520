import { z } from 'zod';
import { skuSchema } from '../../domain/catalog/inputs.ts';
import { isBuyable } from '../../domain/catalog/types.ts';
import {
  type AddItemInput,
  addItemInputSchema,
  channelSchema,
  channelScopeSchema,
  orderIdsSchema,
  paymentMethodSchema,
  shippingAddressSchema,
} from '../../domain/order-session/inputs.ts';
import {
  type OrderSessionAction,
  orderSessionMachine,
} from '../../domain/order-session/machine.ts';
import {
  addItem,
  DEFAULT_ITEM_LIMITS,
  type ItemLimits,
  isPastExpiry,
  removeItem,
  slidingExpiry,
} from '../../domain/order-session/rules.ts';
import type {
  OrderSessionPatchInput,
  OrderSessionRecord,
  ShippingAddress,
} from '../../domain/order-session/types.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import { parseInput } from '../../domain/validation.ts';
import { newTimeOrderedId, systemClock } from '../../platform.ts';
import { authorize } from '../access.ts';
import type { VariantCatalog } from '../catalog/repository.ts';
import type { RequestContext } from '../context.ts';
import type { Clock, IdGenerator } from '../ports.ts';
import type { OrderSessionRepository } from './repository.ts';

export interface OrderSessionServiceOptions {
  /** Where `addItem` looks variants up; required to add items. */
  catalog?: VariantCatalog;
  clock?: Clock;
  newId?: IdGenerator;
  /** Idle lifetime; every change pushes the expiry this far past now. Default 30. */
  ttlMinutes?: number;
  limits?: Partial<ItemLimits>;
  /** Payment methods `setPaymentMethod` accepts. Default: `['sandbox']`. */
  paymentMethods?: readonly string[];
  /** How often a write is retried when another writer changed the session first. Default 25. */
  maxWriteAttempts?: number;
}

export interface OrderSessionService {
  /** The user's active session, or a new one; two concurrent calls yield the same session. */
  begin(
    ctx: RequestContext,
    input?: { channel?: string; channelScope?: string | null },
  ): Promise<Result<OrderSessionRecord>>;
  /** The user's active session, or null; a session past its expiry is never returned. */
  getActive(ctx: RequestContext): Promise<OrderSessionRecord | null>;
  get(ctx: RequestContext, sessionId: string): Promise<Result<OrderSessionRecord>>;
  addItem(
    ctx: RequestContext,
    sessionId: string,
    input: AddItemInput,
  ): Promise<Result<OrderSessionRecord>>;
  removeItem(
    ctx: RequestContext,
    sessionId: string,
    sku: string,
  ): Promise<Result<OrderSessionRecord>>;
  setShipping(
    ctx: RequestContext,
    sessionId: string,
    address: ShippingAddress,
  ): Promise<Result<OrderSessionRecord>>;
  setPaymentMethod(
    ctx: RequestContext,
    sessionId: string,
    paymentMethod: string,
  ): Promise<Result<OrderSessionRecord>>;
  markSubmitted(
    ctx: RequestContext,
    sessionId: string,
    orderIds: readonly string[],
  ): Promise<Result<OrderSessionRecord>>;
  cancel(ctx: RequestContext, sessionId: string): Promise<Result<OrderSessionRecord>>;
}

type Change = Omit<OrderSessionPatchInput, 'updatedAt' | 'expiresAt'>;

/** One step of a mutation: which action it is (given the session), then what it changes. */
interface Mutation {
  action: (session: OrderSessionRecord) => OrderSessionAction;
  change: (session: OrderSessionRecord) => Promise<Result<Change>> | Result<Change>;
}

const noChange = (): Result<Change> => ok({});

export function createOrderSessionService(
  repository: OrderSessionRepository,
  options: OrderSessionServiceOptions = {},
): OrderSessionService {
  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? newTimeOrderedId;
  const ttlMinutes = options.ttlMinutes ?? 30;
  const limits: ItemLimits = { ...DEFAULT_ITEM_LIMITS, ...options.limits };
  const paymentMethods = options.paymentMethods ?? ['sandbox'];
  const maxAttempts = options.maxWriteAttempts ?? 25;

  async function loadOwn(ctx: RequestContext, id: string): Promise<Result<OrderSessionRecord>> {
    const allowed = authorize(ctx, 'session:use');
    if (!allowed.ok) return allowed;
    const session = z.uuid().safeParse(id).success
      ? await repository.getById(ctx.tenantId, id)
      : null;
    // Another user's session is as invisible as a missing one.
    if (!session || session.userId !== ctx.userId) {
      return fail('SESSION_NOT_FOUND', undefined, { sessionId: id });
    }
    return ok(session);
  }

  async function expireNow(session: OrderSessionRecord, now: Date): Promise<void> {
    // Best effort: if another writer got there first, the sweeper finishes the job.
    await repository.update(session.tenantId, session.id, session.version, {
      state: 'EXPIRED',
      updatedAt: now,
      expiresAt: session.expiresAt,
    });
  }

  /**
   * Read, check, write conditionally; on a lost race, read again and re-apply. The order of
   * checks is fixed: the session exists and is the caller's, it has not expired, the action is
   * allowed in its state, then the change itself is valid.
   */
  async function mutate(
    ctx: RequestContext,
    id: string,
    mutation: Mutation,
  ): Promise<Result<OrderSessionRecord>> {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const loaded = await loadOwn(ctx, id);
      if (!loaded.ok) return loaded;
      const session = loaded.value;
      const now = clock.now();
      if (
        session.state === 'EXPIRED' ||
        (!orderSessionMachine.isTerminal(session.state) && isPastExpiry(session, now))
      ) {
        if (session.state !== 'EXPIRED') await expireNow(session, now);
        return fail('SESSION_EXPIRED', undefined, {
          sessionId: id,
          expiresAt: session.expiresAt.toISOString(),
        });
      }
      const next = orderSessionMachine.next(session.state, mutation.action(session));
      if (!next.ok) return next;
      const change = await mutation.change(session);
      if (!change.ok) return change;
      const updated = await repository.update(ctx.tenantId, id, session.version, {
        ...change.value,
        state: next.value,
        updatedAt: now,
        expiresAt: slidingExpiry(now, ttlMinutes),
      });
      if (updated) return ok(updated);
    }
    return fail('CONCURRENT_MODIFICATION', undefined, { sessionId: id });
  }

  return {
    async begin(ctx, input = {}) {
      const allowed = authorize(ctx, 'session:use');
      if (!allowed.ok) return allowed;
      const channel = parseInput(channelSchema.optional(), input.channel);
      if (!channel.ok) return channel;
      const scope = parseInput(channelScopeSchema.nullable().optional(), input.channelScope);
      if (!scope.ok) return scope;
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        const now = clock.now();
        const open = await repository.getActiveByDiscordUser(ctx.tenantId, ctx.userId);
        if (open && isPastExpiry(open, now)) {
          await expireNow(open, now);
          continue;
        }
        if (open) {
          const touched = await repository.update(ctx.tenantId, open.id, open.version, {
            updatedAt: now,
            expiresAt: slidingExpiry(now, ttlMinutes),
          });
          if (touched) return ok(touched);
          continue;
        }
        const created = await repository.create({
          id: newId(),
          tenantId: ctx.tenantId,
          userId: ctx.userId,
          channel: channel.value ?? 'api',
          channelScope: scope.value ?? null,
          state: 'COLLECTING_ITEMS',
          items: [],
          shippingAddress: null,
          paymentMethod: null,
          currency: null,
          submittedOrderIds: [],
          createdAt: now,
          updatedAt: now,
          expiresAt: slidingExpiry(now, ttlMinutes),
        });
        if (created) return ok(created);
      }
      return fail('CONCURRENT_MODIFICATION');
    },

    async getActive(ctx) {
      if (!authorize(ctx, 'session:use').ok) return null;
      const open = await repository.getActiveByDiscordUser(ctx.tenantId, ctx.userId);
      return open && !isPastExpiry(open, clock.now()) ? open : null;
    },

    get: loadOwn,

    async addItem(ctx, sessionId, input) {
      const parsed = parseInput(addItemInputSchema, input);
      if (!parsed.ok) return parsed;
      const { variantId, quantity } = parsed.value;
      const catalog = options.catalog;
      if (!catalog) throw new Error('createOrderSessionService: addItem needs options.catalog');
      return mutate(ctx, sessionId, {
        action: () => 'ADD_ITEM',
        async change(session) {
          const variant = await catalog.findVariant(ctx.tenantId, variantId);
          if (!variant)
            return fail('VARIANT_NOT_FOUND', undefined, { field: 'variantId', variantId });
          if (!isBuyable(variant))
            return fail('VARIANT_ARCHIVED', undefined, { field: 'variantId', variantId });
          const item = {
            productId: variant.id,
            name: variant.name,
            sku: variant.sku,
            quantity,
            unitPriceCents: variant.priceCents,
            currency: variant.currency,
          };
          const items = addItem(session.items, session.currency, item, limits);
          if (!items.ok) return items;
          return ok({ items: items.value, currency: variant.currency });
        },
      });
    },

    async removeItem(ctx, sessionId, sku) {
      const parsed = parseInput(skuSchema, sku);
      if (!parsed.ok) return parsed;
      return mutate(ctx, sessionId, {
        action: (session) =>
          session.items.length === 1 && session.items[0]?.sku === sku
            ? 'REMOVE_LAST_ITEM'
            : 'REMOVE_ITEM',
        change(session) {
          const items = removeItem(session.items, sku);
          if (!items.ok) return items;
          return ok({
            items: items.value,
            currency: items.value.length > 0 ? session.currency : null,
          });
        },
      });
    },

    async setShipping(ctx, sessionId, address) {
      const parsed = parseInput(shippingAddressSchema, address);
      if (!parsed.ok) return parsed;
      return mutate(ctx, sessionId, {
        action: () => 'SET_SHIPPING',
        change: () => ok({ shippingAddress: parsed.value }),
      });
    },

    async setPaymentMethod(ctx, sessionId, paymentMethod) {
      const parsed = parseInput(paymentMethodSchema, paymentMethod);
      if (!parsed.ok) return parsed;
      if (!paymentMethods.includes(parsed.value)) {
        return fail('UNSUPPORTED_PAYMENT_METHOD', `Accepted: ${paymentMethods.join(', ')}.`, {
          field: 'paymentMethod',
          accepted: [...paymentMethods],
        });
      }
      return mutate(ctx, sessionId, {
        action: () => 'SET_PAYMENT_METHOD',
        change: () => ok({ paymentMethod: parsed.value }),
      });
    },

    async markSubmitted(ctx, sessionId, orderIds) {
      const parsed = parseInput(orderIdsSchema, orderIds);
      if (!parsed.ok) return parsed;
      return mutate(ctx, sessionId, {
        action: () => 'SUBMIT',
        change: () => ok({ submittedOrderIds: parsed.value }),
      });
    },

    cancel: (ctx, sessionId) =>
      mutate(ctx, sessionId, { action: () => 'CANCEL', change: noChange }),
  };
}
