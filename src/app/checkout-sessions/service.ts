import { setTimeout as sleep } from 'node:timers/promises';
import type { ProductVariant } from '../../domain/catalog/types.ts';
import { availableUnits } from '../../domain/catalog/types.ts';
import {
  appendLines,
  applyUpdate,
  type ResolvedLine,
} from '../../domain/checkout-session/apply.ts';
import {
  addLineItemsSchema,
  type CompleteCheckoutSessionInput,
  type CreateCheckoutSessionInput,
  createCheckoutSessionSchema,
  type LineItemInput,
  type UpdateCheckoutSessionCommand,
  type UpdateCheckoutSessionInput,
  updateCheckoutSessionSchema,
} from '../../domain/checkout-session/inputs.ts';
import type { SavedAddress } from '../../domain/checkout-session/merchant.ts';
import { type MerchantContext, recompute } from '../../domain/checkout-session/recompute.ts';
import {
  checkoutSessionLifecycle,
  DERIVED_STATUSES,
  deriveStatus,
} from '../../domain/checkout-session/status.ts';
import type {
  CheckoutSession,
  CheckoutSessionStatus,
} from '../../domain/checkout-session/types.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import { parseInput } from '../../domain/validation.ts';
import { authorize } from '../access.ts';
import type { RequestContext } from '../context.ts';
import type { Clock, IdGenerator } from '../ports.ts';
import type { CompletedCheckoutSession, CompletionDeps } from './complete.ts';
import { COMPLETION_LEASE_MS, completeCheckoutSession } from './complete.ts';
import type { CheckoutSessionStore, MerchantCatalog } from './ports.ts';

export const DEFAULT_CHECKOUT_SESSION_TTL_HOURS = 24;
/** Lost races re-read and re-apply this many times at most before CONCURRENT_MODIFICATION. */
export const MAX_WRITE_ATTEMPTS = 60;

export interface CheckoutSessionService {
  create(ctx: RequestContext, input?: CreateCheckoutSessionInput): Promise<Result<CheckoutSession>>;
  get(ctx: RequestContext, id: string): Promise<Result<CheckoutSession>>;
  /** Every field present replaces the session's; derived fields are recomputed. */
  update(
    ctx: RequestContext,
    id: string,
    input: UpdateCheckoutSessionInput,
  ): Promise<Result<CheckoutSession>>;
  /** Adds lines to those already there (safe under concurrent calls: none is lost). */
  addLineItems(
    ctx: RequestContext,
    id: string,
    items: readonly LineItemInput[],
  ): Promise<Result<CheckoutSession>>;
  /** An explicit status change, checked against the transition table and the data. */
  transition(
    ctx: RequestContext,
    id: string,
    to: CheckoutSessionStatus,
  ): Promise<Result<CheckoutSession>>;
  cancel(ctx: RequestContext, id: string): Promise<Result<CheckoutSession>>;
  complete(
    ctx: RequestContext,
    id: string,
    input?: CompleteCheckoutSessionInput,
  ): Promise<Result<CompletedCheckoutSession>>;
}

export interface CheckoutSessionDeps {
  store: CheckoutSessionStore;
  catalog: MerchantCatalog;
  clock: Clock;
  newId: IdGenerator;
  ttlHours: number;
  /** Wired by the composition root; without it `complete` fails with SERVICE_UNAVAILABLE. */
  completion?: CompletionDeps | undefined;
}

/** A change to a loaded session: the new session, or a failure that writes nothing. */
export type SessionChange = (
  session: CheckoutSession,
  now: Date,
) => Promise<Result<CheckoutSession>>;

export function createCheckoutSessionService(deps: CheckoutSessionDeps): CheckoutSessionService {
  const ttlMs = deps.ttlHours * 3_600_000;

  async function load(ctx: RequestContext, id: string): Promise<Result<CheckoutSession>> {
    const allowed = authorize(ctx, 'session:use');
    if (!allowed.ok) return allowed;
    const session = await deps.store.find(ctx.tenantId, id, deps.clock.now());
    if (!session || !canSee(ctx, session))
      return fail('CHECKOUT_SESSION_NOT_FOUND', undefined, { checkoutSessionId: id });
    return ok(session);
  }

  /**
   * Read, change, write conditionally on the version read; a lost race starts again from a
   * fresh read, so every writer's change lands on top of the others'. Bounded, with jitter.
   */
  async function mutate(
    ctx: RequestContext,
    id: string,
    change: SessionChange,
  ): Promise<Result<CheckoutSession>> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const loaded = await load(ctx, id);
      if (!loaded.ok) return loaded;
      const current = loaded.value;
      const now = deps.clock.now();
      const changed = await change(current, now);
      if (!changed.ok) return changed;
      const next: CheckoutSession = {
        ...changed.value,
        version: current.version + 1,
        updatedAt: now,
        expiresAt: new Date(now.getTime() + ttlMs),
      };
      if (await deps.store.replace(next, current.version, now)) return ok(next);
      await sleep(Math.random() * Math.min(2 ** attempt, 50));
    }
    return fail('CONCURRENT_MODIFICATION', undefined, { checkoutSessionId: id });
  }

  async function context(tenantId: string, session: CheckoutSession): Promise<MerchantContext> {
    const email = session.buyer?.email;
    const [variants, settings, coupons, rates, promotions, known] = await Promise.all([
      deps.catalog.findVariantsById(
        tenantId,
        session.lineItems.map((l) => l.variantId),
      ),
      deps.catalog.pricingSettings(tenantId),
      session.discountCodes.length > 0
        ? deps.catalog.findDiscountCodes(tenantId, session.discountCodes)
        : Promise.resolve([]),
      deps.catalog.listShippingRates(tenantId),
      deps.catalog.listPromotions(tenantId),
      email ? deps.catalog.findBuyerByEmail(tenantId, email) : Promise.resolve(null),
    ]);
    return {
      variants: new Map(variants.map((v) => [v.id, catalogEntry(v)])),
      settings,
      coupons: new Map(coupons.map((c) => [c.coupon.code.toUpperCase(), c])),
      rates,
      promotions,
      savedAddresses: known?.addresses ?? [],
      now: deps.clock.now(),
    };
  }

  async function savedAddressesFor(tenantId: string, email: string | undefined) {
    if (!email) return [];
    return (await deps.catalog.findBuyerByEmail(tenantId, email))?.addresses ?? [];
  }

  /** Applies an update command to a session: resolve lines, merge, recompute. */
  async function applyCommand(
    tenantId: string,
    session: CheckoutSession,
    command: UpdateCheckoutSessionCommand,
  ): Promise<Result<CheckoutSession>> {
    const currency = command.currency ?? session.currency;
    let lines: ResolvedLine[] | undefined;
    if (command.lineItems !== undefined) {
      const resolved = await resolveLines(tenantId, command.lineItems, currency, 'lineItems');
      if (!resolved.ok) return resolved;
      lines = resolved.value;
    }
    if (lines === undefined && currency !== session.currency && session.lineItems.length > 0) {
      // A new currency must suit the lines already there.
      const kept = session.lineItems.map((l) => ({
        id: l.id,
        variantId: l.variantId,
        quantity: l.quantity,
      }));
      const resolved = await resolveLines(tenantId, kept, currency, 'currency');
      if (!resolved.ok) return resolved;
      lines = resolved.value;
    }
    const email =
      command.buyer !== undefined ? (command.buyer?.email ?? undefined) : session.buyer?.email;
    const savedAddresses: SavedAddress[] = await savedAddressesFor(tenantId, email);
    const merged = applyUpdate(
      session,
      command,
      lines === undefined ? { savedAddresses } : { lines, savedAddresses },
    );
    return ok(recompute(merged, await context(tenantId, merged)));
  }

  async function resolveLines(
    tenantId: string,
    items: readonly LineItemInput[],
    currency: string,
    field: string,
  ): Promise<Result<ResolvedLine[]>> {
    const skus = items.flatMap((i) => (i.sku !== undefined ? [i.sku] : []));
    const ids = items.flatMap((i) => (i.sku === undefined && i.variantId ? [i.variantId] : []));
    const [bySku, byId] = await Promise.all([
      skus.length > 0 ? deps.catalog.findVariantsBySku(tenantId, skus) : Promise.resolve([]),
      ids.length > 0 ? deps.catalog.findVariantsById(tenantId, ids) : Promise.resolve([]),
    ]);
    const lines: ResolvedLine[] = [];
    for (const [index, item] of items.entries()) {
      const variant =
        item.sku !== undefined
          ? bySku.find((v) => v.sku === item.sku)
          : byId.find((v) => v.id === item.variantId);
      const name = item.sku ?? item.variantId ?? '';
      if (!variant) {
        return fail('VARIANT_NOT_FOUND', `Product ${name} not found.`, {
          field: `${field}.${index}`,
          ...(item.sku !== undefined ? { sku: item.sku } : { variantId: item.variantId }),
        });
      }
      if (variant.currency !== currency) {
        return fail(
          'CURRENCY_MISMATCH',
          `${variant.sku} is priced in ${variant.currency}; the session is in ${currency}.`,
          { field: `${field}.${index}`, sku: variant.sku },
        );
      }
      lines.push({
        id: item.id,
        variantId: variant.id,
        sku: variant.sku,
        title: variant.name,
        unitPriceCents: variant.priceCents,
        sellerId: variant.sellerId,
        quantity: item.quantity,
      });
    }
    return ok(lines);
  }

  function refuseChange(session: CheckoutSession): Result<true> {
    if (DERIVED_STATUSES.includes(session.status)) return ok(true);
    return fail(
      'INVALID_TRANSITION',
      `The checkout session is ${session.status}; it cannot change now.`,
      {
        machine: 'checkout_session',
        from: session.status,
        to: deriveStatus(session.messages),
        allowedTargets: checkoutSessionLifecycle.table[session.status],
      },
    );
  }

  function refuseLocked(session: CheckoutSession, command: UpdateCheckoutSessionCommand) {
    const touchesOrder =
      command.lineItems !== undefined ||
      command.currency !== undefined ||
      command.fulfillment !== undefined ||
      command.shippingAddress !== undefined ||
      command.discountCodes !== undefined;
    if (session.checkoutId !== null && touchesOrder) {
      return fail('CHECKOUT_SESSION_LOCKED', undefined, { checkoutId: session.checkoutId });
    }
    return ok(true);
  }

  const service: CheckoutSessionService = {
    async create(ctx, input = {}) {
      const allowed = authorize(ctx, 'session:use');
      if (!allowed.ok) return allowed;
      const parsed = parseInput(createCheckoutSessionSchema, input);
      if (!parsed.ok) return parsed;
      const command = parsed.value;
      let currency = command.currency;
      if (currency === undefined && command.lineItems?.[0]) {
        const first = command.lineItems[0];
        const [variant] =
          first.sku !== undefined
            ? await deps.catalog.findVariantsBySku(ctx.tenantId, [first.sku])
            : await deps.catalog.findVariantsById(ctx.tenantId, [first.variantId ?? '']);
        currency = variant?.currency;
      }
      const now = deps.clock.now();
      const empty: CheckoutSession = {
        id: deps.newId(),
        tenantId: ctx.tenantId,
        ownerId: ctx.userId,
        status: 'incomplete',
        currency: currency ?? 'USD',
        lineItems: [],
        buyer: null,
        fulfillment: { methods: [] },
        billingAddress: null,
        paymentInstruments: [],
        discountCodes: [],
        appliedDiscounts: [],
        messages: [],
        totals: {
          subtotalCents: 0,
          discountCents: 0,
          fulfillmentCents: 0,
          taxCents: 0,
          feeCents: 0,
          totalCents: 0,
        },
        links: [],
        continueUrl: null,
        metadata: {},
        checkoutId: null,
        orders: [],
        nextLineNo: 1,
        createdAt: now,
        updatedAt: now,
        expiresAt: new Date(now.getTime() + ttlMs),
        version: 1,
      };
      const built = await applyCommand(ctx.tenantId, empty, {
        ...command,
        currency: empty.currency,
      });
      if (!built.ok) return built;
      await deps.store.insert(built.value);
      return built;
    },

    get: load,

    async update(ctx, id, input) {
      const parsed = parseInput(updateCheckoutSessionSchema, input);
      if (!parsed.ok) return parsed;
      return mutate(ctx, id, async (session) => {
        const open = refuseChange(session);
        if (!open.ok) return open;
        const unlocked = refuseLocked(session, parsed.value);
        if (!unlocked.ok) return unlocked;
        return applyCommand(ctx.tenantId, session, parsed.value);
      });
    },

    async addLineItems(ctx, id, items) {
      const parsed = parseInput(addLineItemsSchema, items);
      if (!parsed.ok) return parsed;
      return mutate(ctx, id, async (session) => {
        const open = refuseChange(session);
        if (!open.ok) return open;
        if (session.checkoutId !== null)
          return fail('CHECKOUT_SESSION_LOCKED', undefined, { checkoutId: session.checkoutId });
        const lines = await resolveLines(ctx.tenantId, parsed.value, session.currency, 'items');
        if (!lines.ok) return lines;
        const merged = appendLines(session, lines.value);
        return ok(recompute(merged, await context(ctx.tenantId, merged)));
      });
    },

    async transition(ctx, id, to) {
      if (to === 'complete_in_progress' || to === 'completed') {
        const loaded = await load(ctx, id);
        if (!loaded.ok) return loaded;
        return fail('INVALID_TRANSITION', 'Only completion moves a session there.', {
          machine: 'checkout_session',
          from: loaded.value.status,
          to,
        });
      }
      return mutate(ctx, id, async (session, now) => {
        const allowed = checkoutSessionLifecycle.check(session.status, to);
        if (!allowed.ok) return allowed;
        if (
          session.status === 'complete_in_progress' &&
          now.getTime() - session.updatedAt.getTime() <= COMPLETION_LEASE_MS
        ) {
          // The table allows it, but not while a completion is charging: wait for its outcome.
          return fail('INVALID_TRANSITION', 'A completion of this session is in progress.', {
            machine: 'checkout_session',
            from: session.status,
            to,
          });
        }
        if (to === 'canceled') return ok({ ...session, status: 'canceled' });
        const refreshed = recompute(session, await context(ctx.tenantId, session));
        if (refreshed.status !== to) {
          return fail(
            'INVALID_TRANSITION',
            `The session's data make it ${refreshed.status}, not ${to}.`,
            { machine: 'checkout_session', from: session.status, to, derived: refreshed.status },
          );
        }
        return ok(refreshed);
      });
    },

    cancel(ctx, id) {
      return service.transition(ctx, id, 'canceled');
    },

    async complete(ctx, id, input = {}) {
      if (!deps.completion) return fail('SERVICE_UNAVAILABLE', 'Completion is not configured.');
      return completeCheckoutSession(
        {
          ...deps.completion,
          load: (c, sessionId) => load(c, sessionId),
          mutate,
          refresh: async (session) => recompute(session, await context(session.tenantId, session)),
          clock: deps.clock,
        },
        ctx,
        id,
        input,
      );
    },
  };
  return service;
}

/** A buyer (role `user`) sees only the sessions they created; staff and services see the tenant's. */
function canSee(ctx: RequestContext, session: CheckoutSession): boolean {
  return ctx.role !== 'user' || session.ownerId === ctx.userId;
}

function catalogEntry(variant: ProductVariant) {
  return {
    id: variant.id,
    sku: variant.sku,
    title: variant.name,
    priceCents: variant.priceCents,
    currency: variant.currency,
    sellerId: variant.sellerId,
    available: availableUnits(variant),
  };
}
