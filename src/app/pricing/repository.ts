import type { Coupon } from '../../domain/pricing/coupon.ts';
import type { PricingSettings } from '../../domain/pricing/settings.ts';

export interface PricingRepository {
  findPricingSettings(tenantId: string): Promise<PricingSettings>;
  savePricingSettings(
    tenantId: string,
    settings: PricingSettings,
    now: Date,
  ): Promise<PricingSettings>;
  /** Inserts the coupon; null when the tenant already has its code. */
  insertCoupon(coupon: Coupon, now: Date): Promise<Coupon | null>;
}
