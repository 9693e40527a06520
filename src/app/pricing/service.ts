import type { Coupon } from '../../domain/pricing/coupon.ts';
import {
  type CreateCouponInput,
  createCouponInputSchema,
  pricingSettingsSchema,
} from '../../domain/pricing/inputs.ts';
import type { PricingSettings } from '../../domain/pricing/settings.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import { parseInput } from '../../domain/validation.ts';
import { authorize } from '../access.ts';
import type { RequestContext } from '../context.ts';
import type { Clock } from '../ports.ts';
import type { PricingRepository } from './repository.ts';

export interface PricingService {
  getSettings(ctx: RequestContext): Promise<Result<PricingSettings>>;
  updateSettings(ctx: RequestContext, input: PricingSettings): Promise<Result<PricingSettings>>;
  createCoupon(ctx: RequestContext, input: CreateCouponInput): Promise<Result<Coupon>>;
}

/** A tenant's tax, fee, rounding and shipping rules, and its coupons: admin use cases. */
export function createPricingService(
  repository: PricingRepository,
  deps: { clock: Clock },
): PricingService {
  return {
    async getSettings(ctx) {
      const allowed = authorize(ctx, 'settings:write');
      if (!allowed.ok) return allowed;
      return ok(await repository.findPricingSettings(ctx.tenantId));
    },

    async updateSettings(ctx, input) {
      const allowed = authorize(ctx, 'settings:write');
      if (!allowed.ok) return allowed;
      const parsed = parseInput(pricingSettingsSchema, input);
      if (!parsed.ok) return parsed;
      return ok(await repository.savePricingSettings(ctx.tenantId, parsed.value, deps.clock.now()));
    },

    async createCoupon(ctx, input) {
      const allowed = authorize(ctx, 'settings:write');
      if (!allowed.ok) return allowed;
      const parsed = parseInput(createCouponInputSchema, input);
      if (!parsed.ok) return parsed;
      const c = parsed.value;
      const coupon: Coupon = {
        tenantId: ctx.tenantId,
        code: c.code.toUpperCase(),
        kind: c.kind,
        percentBp: c.kind === 'percent' ? (c.percentBp ?? null) : null,
        amountCents: c.kind === 'fixed' ? (c.amountCents ?? null) : null,
        currency: c.kind === 'fixed' ? (c.currency ?? null) : null,
        minSubtotalCents: c.minSubtotalCents,
        startsAt: c.startsAt ? new Date(c.startsAt) : null,
        expiresAt: c.expiresAt ? new Date(c.expiresAt) : null,
        active: c.active,
      };
      const created = await repository.insertCoupon(coupon, deps.clock.now());
      return created ? ok(created) : fail('COUPON_ALREADY_EXISTS', undefined, { field: 'code' });
    },
  };
}
