import type { ProductVariant } from '../../domain/catalog/types.ts';
import type {
  KnownBuyer,
  Promotion,
  SavedAddress,
  ShippingRate,
} from '../../domain/checkout-session/merchant.ts';
import type { CheckoutSession, PaymentInstrument } from '../../domain/checkout-session/types.ts';
import type { Coupon } from '../../domain/pricing/coupon.ts';
import type { PricingSettings } from '../../domain/pricing/settings.ts';

/**
 * Where agent checkout sessions live: SQL (embedded or PostgreSQL) or DynamoDB. Every write is
 * conditional on the version read, so a concurrent writer never loses an update; the use case
 * re-reads and re-applies when it lost a race.
 */
export interface CheckoutSessionStore {
  insert(session: CheckoutSession): Promise<void>;
  /** The session, or null when there is none or it is past its expiry at `now`. */
  find(tenantId: string, id: string, now: Date): Promise<CheckoutSession | null>;
  /**
   * Stores `session` (whose `version` is already `expectedVersion + 1`) if the stored one is
   * still at `expectedVersion` and not expired at `now`; false when it was not (a lost race).
   */
  replace(session: CheckoutSession, expectedVersion: number, now: Date): Promise<boolean>;
  /** Deletes up to `limit` sessions past their expiry; DynamoDB leaves that to its TTL (0). */
  sweepExpired(now: Date, limit: number): Promise<number>;
}

/** The tenant's data a session is computed from (read-only). */
export interface MerchantCatalog {
  findVariantsBySku(tenantId: string, skus: readonly string[]): Promise<ProductVariant[]>;
  findVariantsById(tenantId: string, ids: readonly string[]): Promise<ProductVariant[]>;
  pricingSettings(tenantId: string): Promise<PricingSettings>;
  /** The tenant's coupons among `codes` (upper case), with a title for agents. */
  findDiscountCodes(
    tenantId: string,
    codes: readonly string[],
  ): Promise<{ coupon: Coupon; title: string }[]>;
  listShippingRates(tenantId: string): Promise<ShippingRate[]>;
  listPromotions(tenantId: string): Promise<Promotion[]>;
  /** A known buyer by e-mail (case-insensitive) with their saved addresses. */
  findBuyerByEmail(
    tenantId: string,
    email: string,
  ): Promise<{ buyer: KnownBuyer; addresses: SavedAddress[] } | null>;
}

/** Admin writes of a tenant's shipping rates, promotions and address book. */
export interface MerchantDataRepository extends MerchantCatalog {
  upsertShippingRate(rate: ShippingRate, now: Date): Promise<ShippingRate>;
  deleteShippingRate(tenantId: string, id: string): Promise<boolean>;
  upsertPromotion(promotion: Promotion, now: Date): Promise<Promotion>;
  deletePromotion(tenantId: string, id: string): Promise<boolean>;
  /** By id; a buyer with the same e-mail and another id is `email_taken`. */
  upsertBuyer(buyer: KnownBuyer, now: Date): Promise<KnownBuyer | 'email_taken'>;
  listBuyers(tenantId: string): Promise<KnownBuyer[]>;
  deleteBuyer(tenantId: string, id: string): Promise<boolean>;
  /** Null when the buyer does not exist. */
  upsertAddress(address: SavedAddress, now: Date): Promise<SavedAddress | null>;
  listAddresses(tenantId: string, buyerId: string): Promise<SavedAddress[]>;
  deleteAddress(tenantId: string, buyerId: string, id: string): Promise<boolean>;
}

export type ChargeOutcome =
  | { outcome: 'succeeded' }
  | { outcome: 'declined'; reason: string }
  | { outcome: 'fraud'; reason: string };

/**
 * Charges a payment instrument an agent handed over (a token or a card credential), at once,
 * for a payment of ours. The sandbox implements it with test tokens.
 */
export interface InstrumentCharger {
  charge(request: {
    tenantId: string;
    paymentId: string;
    amountCents: number;
    currency: string;
    instrument: PaymentInstrument;
  }): Promise<ChargeOutcome>;
}
