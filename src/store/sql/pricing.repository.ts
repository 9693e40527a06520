import type { Kysely } from 'kysely';
import type { PricingRepository } from '../../app/pricing/repository.ts';
import { insertCoupon } from './coupon.repository.ts';
import { findPricingSettings, savePricingSettings } from './settings.repository.ts';
import type { Database } from './tables.ts';

export function createSqlPricingRepository(db: Kysely<Database>): PricingRepository {
  return {
    findPricingSettings: (tenantId) => findPricingSettings(db, tenantId),
    savePricingSettings: (tenantId, settings, now) =>
      savePricingSettings(db, tenantId, settings, now),
    insertCoupon: (coupon, now) => insertCoupon(db, coupon, now),
  };
}
