import type { ProductVariant } from '../../domain/catalog/types.ts';
import type { Order } from '../../domain/order/types.ts';
import type { OutboxEvent } from '../../domain/outbox.ts';
import type { Payment, PaymentSession } from '../../domain/payment/types.ts';
import type { Coupon } from '../../domain/pricing/coupon.ts';
import type { PricingSettings } from '../../domain/pricing/settings.ts';
import type { Result } from '../../domain/result.ts';

export interface CheckoutSnapshot {
  checkoutId: string;
  orders: Order[];
}

export interface IdempotencyClaim {
  tenantId: string;
  userId: string;
  key: string;
  requestHash: string;
  now: Date;
  expiresAt: Date;
}

export type ClaimOutcome =
  | { kind: 'claimed' }
  | { kind: 'existing'; requestHash: string; result: CheckoutSnapshot };

/** What placing an order needs, all inside one database transaction. */
export interface CheckoutTransaction {
  /**
   * Takes the key for this request. If another request holds it uncommitted, waits for that
   * one to finish; a key older than its expiry is taken over.
   */
  claimIdempotencyKey(claim: IdempotencyClaim): Promise<ClaimOutcome>;
  completeIdempotencyKey(claim: IdempotencyClaim, result: CheckoutSnapshot): Promise<void>;
  loadVariants(tenantId: string, ids: readonly string[]): Promise<ProductVariant[]>;
  loadPricingSettings(tenantId: string): Promise<PricingSettings>;
  findCoupon(tenantId: string, code: string): Promise<Coupon | null>;
  /** `reserved += quantity` if at least that many are available; false when not. */
  reserveStock(tenantId: string, variantId: string, quantity: number, now: Date): Promise<boolean>;
  availableStock(tenantId: string, variantId: string): Promise<number>;
  /** The orders with their items, adjustments and stock reservations. */
  insertOrders(orders: readonly Order[]): Promise<void>;
  appendOutbox(events: readonly OutboxEvent[]): Promise<void>;
  insertPaymentWindows(
    sessions: readonly PaymentSession[],
    payments: readonly Payment[],
  ): Promise<void>;
}

export interface CheckoutStore {
  /** Runs `work` in a transaction: committed if it returns ok, rolled back if it fails or throws. */
  transaction<T>(work: (tx: CheckoutTransaction) => Promise<Result<T>>): Promise<Result<T>>;
}
