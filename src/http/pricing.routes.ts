import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PricingService } from '../app/pricing/service.ts';
import type { Coupon } from '../domain/pricing/coupon.ts';
import { createCouponInputSchema, pricingSettingsSchema } from '../domain/pricing/inputs.ts';
import { errorResponses, okEnvelope, sendResult } from './envelope.ts';
import { EXAMPLE_COUPON, EXAMPLE_REQUESTS } from './openapi-examples.ts';

const tags = ['pricing (admin)'];

const couponDto = z
  .object({
    code: z.string(),
    kind: z.enum(['percent', 'fixed']),
    percentBp: z.number().int().nullable(),
    amountCents: z.number().int().nullable(),
    currency: z.string().nullable(),
    minSubtotalCents: z.number().int(),
    startsAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    active: z.boolean(),
  })
  .meta({ id: 'Coupon', examples: [EXAMPLE_COUPON] });

function presentCoupon(coupon: Coupon): z.infer<typeof couponDto> {
  const { tenantId: _tenant, ...rest } = coupon;
  return {
    ...rest,
    startsAt: coupon.startsAt?.toISOString() ?? null,
    expiresAt: coupon.expiresAt?.toISOString() ?? null,
  };
}

export const pricingRoutes: FastifyPluginAsyncZod<{ pricing: PricingService }> = async (
  app,
  { pricing },
) => {
  app.get('/admin/settings/pricing', {
    schema: {
      operationId: 'getPricingSettings',
      tags,
      summary: "The tenant's tax and fee rates, rounding and flat shipping",
      response: { 200: okEnvelope(pricingSettingsSchema), ...errorResponses(401, 403) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await pricing.getSettings(request.ctx), (s) => s),
  });

  app.put('/admin/settings/pricing', {
    schema: {
      operationId: 'updatePricingSettings',
      tags,
      summary: "Replace the tenant's pricing settings (orders already placed keep theirs)",
      body: pricingSettingsSchema,
      response: { 200: okEnvelope(pricingSettingsSchema), ...errorResponses(400, 401, 403) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await pricing.updateSettings(request.ctx, request.body), (s) => s),
  });

  app.post('/admin/coupons', {
    schema: {
      operationId: 'createCoupon',
      tags,
      summary: 'Create a percentage or fixed-amount coupon',
      body: createCouponInputSchema.meta({ examples: [EXAMPLE_REQUESTS.createCoupon] }),
      response: { 201: okEnvelope(couponDto), ...errorResponses(400, 401, 403, 409) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await pricing.createCoupon(request.ctx, request.body), presentCoupon, 201),
  });
};
