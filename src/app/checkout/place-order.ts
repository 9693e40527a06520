import { randomBytes } from 'node:crypto';
import { availableUnits, isBuyable } from '../../domain/catalog/types.ts';
import { buildCheckoutOrders } from '../../domain/checkout/build-orders.ts';
import { type PlaceOrderInput, placeOrderInputSchema } from '../../domain/checkout/inputs.ts';
import type { CheckoutLine } from '../../domain/checkout/split.ts';
import { isAmountCents, lineTotalCents } from '../../domain/money.ts';
import { formatOrderNumber } from '../../domain/order/order-number.ts';
import type { Order } from '../../domain/order/types.ts';
import type { OutboxEvent } from '../../domain/outbox.ts';
import { paymentEvent } from '../../domain/payment/events.ts';
import { openPaymentWindow } from '../../domain/payment/open-window.ts';
import { type PaymentWindowSettings, windowMinutes } from '../../domain/payment/rules.ts';
import type { Payment, PaymentMetadata } from '../../domain/payment/types.ts';
import { couponDiscount } from '../../domain/pricing/coupon.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import { parseInput } from '../../domain/validation.ts';
import { authorize } from '../access.ts';
import type { RequestContext } from '../context.ts';
import type { PaymentProvider, PaymentStore } from '../payments/ports.ts';
import { startPayments } from '../payments/start-payments.ts';
import type { Clock, IdGenerator } from '../ports.ts';
import type {
  CheckoutSnapshot,
  CheckoutStore,
  CheckoutTransaction,
  IdempotencyClaim,
} from './ports.ts';
import { requestHash } from './request-hash.ts';

export const IDEMPOTENCY_RETENTION_HOURS = 24;

export interface CheckoutResult extends CheckoutSnapshot {
  /** True when this answer is the stored result of an earlier request with the same key. */
  replayed: boolean;
  /** The newest payment of each order: where the buyer pays. */
  payments: Payment[];
}

export interface CheckoutDeps {
  store: CheckoutStore;
  payments: PaymentStore;
  provider: PaymentProvider;
  clock: Clock;
  newId: IdGenerator;
  paymentMethods: readonly string[];
  paymentWindow: PaymentWindowSettings;
}

/**
 * Pricing a trusted caller has already decided (an agent checkout session's shipping option and
 * discount codes), used instead of the tenant's flat shipping and the input's coupon. Never
 * taken from a client: the HTTP routes do not pass it.
 */
export interface CheckoutOverrides {
  /** The whole checkout's shipping, shared among its orders in proportion to their subtotals. */
  shippingCents?: number | undefined;
  /** The whole checkout's discount; `couponCode` names its codes on the orders. */
  discount?: { amountCents: number; couponCode: string } | null | undefined;
}

export type PlaceOrder = (
  ctx: RequestContext,
  input: PlaceOrderInput,
  metadata?: PaymentMetadata,
  overrides?: CheckoutOverrides,
) => Promise<Result<CheckoutResult>>;

/**
 * Places a checkout: prices every line from the catalog, splits it into one order per seller,
 * reserves all the stock or none, and records the orders, their events and the idempotency
 * key, all in one transaction. A failure leaves nothing behind, so a retry with the same key
 * starts afresh; a success is replayed to every later request with that key and body.
 */
export function createPlaceOrder(deps: CheckoutDeps): PlaceOrder {
  return async (
    ctx: RequestContext,
    input: PlaceOrderInput,
    metadata?: PaymentMetadata,
    overrides?: CheckoutOverrides,
  ): Promise<Result<CheckoutResult>> => {
    const allowed = authorize(ctx, 'order:place');
    if (!allowed.ok) return allowed;
    const parsed = parseInput(placeOrderInputSchema, input);
    if (!parsed.ok) return parsed;
    const { idempotencyKey, ...command } = parsed.value;
    if (idempotencyKey === undefined)
      return fail('IDEMPOTENCY_KEY_REQUIRED', undefined, { field: 'idempotencyKey' });
    if (
      command.paymentMethod !== undefined &&
      !deps.paymentMethods.includes(command.paymentMethod)
    ) {
      return fail('UNSUPPORTED_PAYMENT_METHOD', `Accepted: ${deps.paymentMethods.join(', ')}.`, {
        field: 'paymentMethod',
      });
    }
    const minutes = windowMinutes(command.paymentWindowMinutes, deps.paymentWindow);
    if (!minutes.ok) return minutes;
    const now = deps.clock.now();
    const claim: IdempotencyClaim = {
      tenantId: ctx.tenantId,
      userId: ctx.userId,
      key: idempotencyKey,
      requestHash: requestHash(overrides === undefined ? command : { ...command, overrides }),
      now,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_RETENTION_HOURS * 3_600_000),
    };

    const placed = await deps.store.transaction<
      CheckoutSnapshot & { replayed: boolean; created: Payment[] }
    >(async (tx) => {
      const outcome = await tx.claimIdempotencyKey(claim);
      if (outcome.kind === 'existing') {
        if (outcome.requestHash !== claim.requestHash) {
          return fail('IDEMPOTENCY_KEY_REUSED', undefined, { field: 'idempotencyKey' });
        }
        return ok({ ...outcome.result, replayed: true, created: [] });
      }
      const lines = await loadLines(tx, ctx.tenantId, command.items);
      if (!lines.ok) return lines;
      // Sold out as read: answer at once, before any write (the reservation below decides).
      const short = lines.value.find((line) => availableUnits(line.variant) < line.quantity);
      if (short) return insufficientStock(short, availableUnits(short.variant));
      const currency = lines.value[0]?.variant.currency ?? 'USD';
      const foreign = lines.value.find((line) => line.variant.currency !== currency);
      if (foreign) {
        return fail(
          'CURRENCY_MISMATCH',
          `One checkout, one currency: ${foreign.variant.sku} is in ${foreign.variant.currency}.`,
          {
            field: 'items',
          },
        );
      }
      const settings = await tx.loadPricingSettings(ctx.tenantId);
      let discount: { amountCents: number; couponCode: string } | null =
        overrides?.discount ?? null;
      if (command.couponCode !== undefined && overrides?.discount === undefined) {
        const coupon = await tx.findCoupon(ctx.tenantId, command.couponCode);
        if (!coupon) return fail('COUPON_NOT_FOUND', undefined, { field: 'couponCode' });
        const subtotalCents = lines.value.reduce(
          (sum, l) => sum + l.variant.priceCents * l.quantity,
          0,
        );
        const amount = couponDiscount(coupon, {
          subtotalCents,
          currency,
          now,
          rounding: settings.roundingMode,
        });
        if (!amount.ok) return amount;
        discount = { amountCents: amount.value, couponCode: coupon.code };
      }

      const checkoutId = deps.newId();
      const orders = buildCheckoutOrders({
        checkoutId,
        tenantId: ctx.tenantId,
        lines: lines.value,
        currency,
        settings,
        discount,
        shippingCents: overrides?.shippingCents,
        shippingAddress: command.shippingAddress,
        customer: {
          userId: ctx.userId,
          email: command.customer?.email ?? null,
          name: command.customer?.name ?? null,
        },
        paymentMethod: command.paymentMethod ?? null,
        now,
        newId: deps.newId,
        newOrderNumber: () => formatOrderNumber(now, randomBytes(10)),
      });
      const windows = orders.map((order) =>
        openPaymentWindow(order, {
          sessionId: deps.newId(),
          paymentId: deps.newId(),
          minutes: minutes.value,
          maxAttempts: deps.paymentWindow.maxAttempts,
          provider: deps.provider.name,
          metadata: metadata ?? {},
          now,
        }),
      );
      // Placed and waiting for payment in the same transaction: no one ever sees it pending.
      const awaiting = orders.map((order) => ({ ...order, status: 'awaiting_payment' as const }));
      await tx.insertOrders(awaiting);
      await tx.insertPaymentWindows(
        windows.map((w) => w.session),
        windows.map((w) => w.payment),
      );
      await tx.appendOutbox(
        awaiting.flatMap((order, i) => {
          const payment = windows[i]?.payment;
          if (!payment) throw new Error('placeOrder: an order without its payment window');
          return [
            orderCreatedEvent(order, deps.newId()),
            paymentEvent(deps.newId(), payment, 'payment.attempted', payment.createdAt),
          ];
        }),
      );
      const snapshot = { checkoutId, orders: awaiting };
      // Reserved last, so that a hot SKU's row stays locked only until the commit just after.
      const reserved = await reserveAll(tx, ctx.tenantId, lines.value, now);
      if (!reserved.ok) return reserved;
      await tx.completeIdempotencyKey(claim, snapshot);
      return ok({ ...snapshot, replayed: false, created: windows.map((w) => w.payment) });
    });
    if (!placed.ok) return placed;
    // The provider is asked after commit, so that no lock is held while it answers.
    const { created, ...checkout } = placed.value;
    // A replay may overtake the first request between its commit and its provider call: it
    // starts whatever is still unstarted too (the provider dedupes by our payment id).
    const toStart = checkout.replayed
      ? await deps.payments.latestPayments(
          ctx.tenantId,
          checkout.orders.map((order) => order.id),
        )
      : created;
    const payments = await startPayments(deps, toStart);
    return ok({ ...checkout, payments });
  };
}

/** The variants of the lines, each variant once (repeated lines add up), in id order. */
async function loadLines(
  tx: CheckoutTransaction,
  tenantId: string,
  items: readonly { variantId: string; quantity: number }[],
): Promise<Result<CheckoutLine[]>> {
  const quantities = new Map<string, number>();
  for (const item of items)
    quantities.set(item.variantId, (quantities.get(item.variantId) ?? 0) + item.quantity);
  const variants = await tx.loadVariants(tenantId, [...quantities.keys()]);
  const byId = new Map(variants.map((variant) => [variant.id, variant]));
  const lines: CheckoutLine[] = [];
  let subtotal = 0;
  for (const [variantId, quantity] of [...quantities.entries()].sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    const variant = byId.get(variantId);
    if (!variant)
      return fail('VARIANT_NOT_FOUND', `No product variant ${variantId}.`, {
        field: 'items',
        variantId,
      });
    if (!isBuyable(variant)) {
      return fail('VARIANT_ARCHIVED', `${variant.sku} is archived and can no longer be bought.`, {
        field: 'items',
        variantId,
        sku: variant.sku,
      });
    }
    const lineTotal = lineTotalCents(variant.priceCents, quantity);
    if (!lineTotal.ok)
      return fail('VALIDATION_FAILED', lineTotal.error.message, { field: 'items', variantId });
    subtotal += lineTotal.value;
    lines.push({ variant, quantity });
  }
  // Bounded amounts keep every later sum and rate exact.
  if (!isAmountCents(subtotal)) {
    return fail('VALIDATION_FAILED', 'The checkout total is too large.', { field: 'items' });
  }
  return ok(lines);
}

/**
 * Reserves every line with a guarded increment, in variant-id order so that two checkouts
 * sharing SKUs lock them in the same order and cannot deadlock. The first short line fails the
 * whole checkout (the transaction rolls back the reservations already made).
 */
async function reserveAll(
  tx: CheckoutTransaction,
  tenantId: string,
  lines: readonly CheckoutLine[],
  now: Date,
): Promise<Result<true>> {
  for (const { variant, quantity } of lines) {
    if (!(await tx.reserveStock(tenantId, variant.id, quantity, now))) {
      const available = await tx.availableStock(tenantId, variant.id);
      return insufficientStock({ variant, quantity }, available);
    }
  }
  return ok(true);
}

function insufficientStock(line: CheckoutLine, available: number) {
  const { variant, quantity } = line;
  return fail(
    'INSUFFICIENT_STOCK',
    `Only ${available} of ${variant.sku} available; ${quantity} requested.`,
    {
      sku: variant.sku,
      variantId: variant.id,
      requested: quantity,
      available,
    },
  );
}

function orderCreatedEvent(order: Order, id: string): OutboxEvent {
  return {
    id,
    tenantId: order.tenantId,
    aggregateType: 'order',
    aggregateId: order.id,
    type: 'order.created',
    payload: {
      orderId: order.id,
      orderNumber: order.orderNumber,
      checkoutId: order.checkoutId,
      userId: order.userId,
      sellerId: order.sellerId,
      orderSource: order.orderSource,
      status: order.status,
      currency: order.currency,
      totals: order.totals,
      items: order.items,
    },
    createdAt: order.createdAt,
  };
}
