import type {
  KnownBuyer,
  Promotion,
  SavedAddress,
  ShippingRate,
} from '../../domain/checkout-session/merchant.ts';
import {
  buyerInputSchema,
  type KnownBuyerInput,
  type PromotionInput,
  promotionInputSchema,
  type SavedAddressInput,
  type ShippingRateInput,
  savedAddressInputSchema,
  shippingRateInputSchema,
} from '../../domain/checkout-session/merchant-inputs.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import { parseInput } from '../../domain/validation.ts';
import { authorize } from '../access.ts';
import type { RequestContext } from '../context.ts';
import type { Clock } from '../ports.ts';
import type { MerchantDataRepository } from './ports.ts';

/** Admin use cases for what agent checkout sessions are computed from; all per tenant, upsert by id. */
export interface MerchantDataService {
  putShippingRate(ctx: RequestContext, input: ShippingRateInput): Promise<Result<ShippingRate>>;
  listShippingRates(ctx: RequestContext): Promise<Result<ShippingRate[]>>;
  deleteShippingRate(ctx: RequestContext, id: string): Promise<Result<true>>;
  putPromotion(ctx: RequestContext, input: PromotionInput): Promise<Result<Promotion>>;
  listPromotions(ctx: RequestContext): Promise<Result<Promotion[]>>;
  deletePromotion(ctx: RequestContext, id: string): Promise<Result<true>>;
  putBuyer(ctx: RequestContext, input: KnownBuyerInput): Promise<Result<KnownBuyer>>;
  listBuyers(ctx: RequestContext): Promise<Result<KnownBuyer[]>>;
  deleteBuyer(ctx: RequestContext, id: string): Promise<Result<true>>;
  putAddress(
    ctx: RequestContext,
    buyerId: string,
    input: SavedAddressInput,
  ): Promise<Result<SavedAddress>>;
  listAddresses(ctx: RequestContext, buyerId: string): Promise<Result<SavedAddress[]>>;
  deleteAddress(ctx: RequestContext, buyerId: string, id: string): Promise<Result<true>>;
}

export function createMerchantDataService(
  repository: MerchantDataRepository,
  deps: { clock: Clock },
): MerchantDataService {
  const admin = (ctx: RequestContext) => authorize(ctx, 'settings:write');
  return {
    async putShippingRate(ctx, input) {
      const allowed = admin(ctx);
      if (!allowed.ok) return allowed;
      const parsed = parseInput(shippingRateInputSchema, input);
      if (!parsed.ok) return parsed;
      return ok(
        await repository.upsertShippingRate(
          { ...parsed.value, tenantId: ctx.tenantId },
          deps.clock.now(),
        ),
      );
    },
    async listShippingRates(ctx) {
      const allowed = admin(ctx);
      if (!allowed.ok) return allowed;
      return ok(await repository.listShippingRates(ctx.tenantId));
    },
    async deleteShippingRate(ctx, id) {
      const allowed = admin(ctx);
      if (!allowed.ok) return allowed;
      return (await repository.deleteShippingRate(ctx.tenantId, id))
        ? ok(true)
        : fail('SHIPPING_RATE_NOT_FOUND', undefined, { id });
    },
    async putPromotion(ctx, input) {
      const allowed = admin(ctx);
      if (!allowed.ok) return allowed;
      const parsed = parseInput(promotionInputSchema, input);
      if (!parsed.ok) return parsed;
      return ok(
        await repository.upsertPromotion(
          { ...parsed.value, tenantId: ctx.tenantId },
          deps.clock.now(),
        ),
      );
    },
    async listPromotions(ctx) {
      const allowed = admin(ctx);
      if (!allowed.ok) return allowed;
      return ok(await repository.listPromotions(ctx.tenantId));
    },
    async deletePromotion(ctx, id) {
      const allowed = admin(ctx);
      if (!allowed.ok) return allowed;
      return (await repository.deletePromotion(ctx.tenantId, id))
        ? ok(true)
        : fail('PROMOTION_NOT_FOUND', undefined, { id });
    },
    async putBuyer(ctx, input) {
      const allowed = admin(ctx);
      if (!allowed.ok) return allowed;
      const parsed = parseInput(buyerInputSchema, input);
      if (!parsed.ok) return parsed;
      const saved = await repository.upsertBuyer(
        { ...parsed.value, tenantId: ctx.tenantId },
        deps.clock.now(),
      );
      return saved === 'email_taken'
        ? fail('BUYER_EMAIL_TAKEN', undefined, { field: 'email' })
        : ok(saved);
    },
    async listBuyers(ctx) {
      const allowed = admin(ctx);
      if (!allowed.ok) return allowed;
      return ok(await repository.listBuyers(ctx.tenantId));
    },
    async deleteBuyer(ctx, id) {
      const allowed = admin(ctx);
      if (!allowed.ok) return allowed;
      return (await repository.deleteBuyer(ctx.tenantId, id))
        ? ok(true)
        : fail('BUYER_NOT_FOUND', undefined, { id });
    },
    async putAddress(ctx, buyerId, input) {
      const allowed = admin(ctx);
      if (!allowed.ok) return allowed;
      const parsed = parseInput(savedAddressInputSchema, input);
      if (!parsed.ok) return parsed;
      const saved = await repository.upsertAddress(
        { ...parsed.value, tenantId: ctx.tenantId, buyerId },
        deps.clock.now(),
      );
      return saved ? ok(saved) : fail('BUYER_NOT_FOUND', undefined, { buyerId });
    },
    async listAddresses(ctx, buyerId) {
      const allowed = admin(ctx);
      if (!allowed.ok) return allowed;
      return ok(await repository.listAddresses(ctx.tenantId, buyerId));
    },
    async deleteAddress(ctx, buyerId, id) {
      const allowed = admin(ctx);
      if (!allowed.ok) return allowed;
      return (await repository.deleteAddress(ctx.tenantId, buyerId, id))
        ? ok(true)
        : fail('BUYER_NOT_FOUND', 'No such saved address.', { buyerId, id });
    },
  };
}
