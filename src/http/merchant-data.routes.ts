import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MerchantDataService } from '../app/checkout-sessions/merchant-data.ts';
import {
  buyerBodySchema,
  promotionBodySchema,
  savedAddressBodySchema,
  shippingRateBodySchema,
} from '../domain/checkout-session/merchant-inputs.ts';
import { errorResponses, okEnvelope, sendResult } from './envelope.ts';
import {
  EXAMPLE_BUYER,
  EXAMPLE_PROMOTION,
  EXAMPLE_REQUESTS,
  EXAMPLE_SAVED_ADDRESS,
  EXAMPLE_SHIPPING_RATE,
} from './openapi-examples.ts';

const tags = ['agent checkout: merchant data (admin)'];
const addressParams = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .meta({ examples: [EXAMPLE_BUYER.id] }),
  addressId: z
    .string()
    .min(1)
    .max(100)
    .meta({ examples: [EXAMPLE_SAVED_ADDRESS.id] }),
});
const idOf = (example: string) =>
  z.object({
    id: z
      .string()
      .min(1)
      .max(100)
      .meta({ examples: [example] }),
  });

const rateDto = z
  .object({
    id: z.string(),
    countryCode: z.string(),
    serviceLevel: z.string(),
    priceCents: z.number().int(),
    title: z.string(),
  })
  .meta({ id: 'ShippingRate', examples: [EXAMPLE_SHIPPING_RATE] });
const promotionDto = z
  .object({
    id: z.string(),
    type: z.literal('free_shipping'),
    minSubtotalCents: z.number().int().nullable(),
    eligibleSkus: z.array(z.string()),
    description: z.string(),
  })
  .meta({ id: 'Promotion', examples: [EXAMPLE_PROMOTION] });
const buyerDto = z
  .object({ id: z.string(), email: z.string(), name: z.string() })
  .meta({ id: 'Buyer', examples: [EXAMPLE_BUYER] });
const addressDto = z
  .object({ id: z.string(), buyerId: z.string(), streetAddress: z.string() })
  .catchall(z.unknown())
  .meta({ id: 'SavedAddress', examples: [EXAMPLE_SAVED_ADDRESS] });
const deleted = okEnvelope(z.object({ deleted: z.literal(true) }));

const withoutTenant = <T extends { tenantId: string }>({ tenantId: _t, ...rest }: T) => rest;
const many =
  <T extends { tenantId: string }>() =>
  (items: T[]) =>
    items.map(withoutTenant);

/**
 * Shipping rates, free-shipping promotions and the buyer address book that agent checkout
 * sessions are computed from: per tenant, admin only, PUT by id (create or replace).
 */
export const merchantDataRoutes: FastifyPluginAsyncZod<{
  merchantData: MerchantDataService;
}> = async (app, { merchantData }) => {
  app.get('/admin/shipping-rates', {
    schema: {
      operationId: 'listShippingRates',
      tags,
      summary: 'Shipping rates by destination country (`default`: every other country)',
      response: { 200: okEnvelope(z.array(rateDto)), ...errorResponses(401, 403) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await merchantData.listShippingRates(request.ctx), many()),
  });
  app.put('/admin/shipping-rates/:id', {
    schema: {
      operationId: 'putShippingRate',
      tags,
      summary: 'Create or replace a shipping rate',
      params: idOf(EXAMPLE_SHIPPING_RATE.id),
      body: shippingRateBodySchema.meta({ examples: [EXAMPLE_REQUESTS.putShippingRate] }),
      response: { 200: okEnvelope(rateDto), ...errorResponses(400, 401, 403) },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await merchantData.putShippingRate(request.ctx, {
          ...request.body,
          id: request.params.id,
        }),
        withoutTenant,
      ),
  });
  app.delete('/admin/shipping-rates/:id', {
    schema: {
      operationId: 'deleteShippingRate',
      tags,
      summary: 'Delete a shipping rate',
      params: idOf(EXAMPLE_SHIPPING_RATE.id),
      response: { 200: deleted, ...errorResponses(401, 403, 404) },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await merchantData.deleteShippingRate(request.ctx, request.params.id),
        () => ({ deleted: true as const }),
      ),
  });

  app.get('/admin/promotions', {
    schema: {
      operationId: 'listPromotions',
      tags,
      summary: 'Free-shipping promotions',
      response: { 200: okEnvelope(z.array(promotionDto)), ...errorResponses(401, 403) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await merchantData.listPromotions(request.ctx), many()),
  });
  app.put('/admin/promotions/:id', {
    schema: {
      operationId: 'putPromotion',
      tags,
      summary: 'Create or replace a free-shipping promotion (a minimum subtotal and/or SKUs)',
      params: idOf(EXAMPLE_PROMOTION.id),
      body: promotionBodySchema.meta({ examples: [EXAMPLE_REQUESTS.putPromotion] }),
      response: { 200: okEnvelope(promotionDto), ...errorResponses(400, 401, 403) },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await merchantData.putPromotion(request.ctx, { ...request.body, id: request.params.id }),
        withoutTenant,
      ),
  });
  app.delete('/admin/promotions/:id', {
    schema: {
      operationId: 'deletePromotion',
      tags,
      summary: 'Delete a promotion',
      params: idOf(EXAMPLE_PROMOTION.id),
      response: { 200: deleted, ...errorResponses(401, 403, 404) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await merchantData.deletePromotion(request.ctx, request.params.id), () => ({
        deleted: true as const,
      })),
  });

  app.get('/admin/buyers', {
    schema: {
      operationId: 'listBuyers',
      tags,
      summary: 'Known buyers (address book), found by e-mail in checkout sessions',
      response: { 200: okEnvelope(z.array(buyerDto)), ...errorResponses(401, 403) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await merchantData.listBuyers(request.ctx), many()),
  });
  app.put('/admin/buyers/:id', {
    schema: {
      operationId: 'putBuyer',
      tags,
      summary: 'Create or replace a known buyer',
      params: idOf(EXAMPLE_BUYER.id),
      body: buyerBodySchema.meta({ examples: [EXAMPLE_REQUESTS.putBuyer] }),
      response: { 200: okEnvelope(buyerDto), ...errorResponses(400, 401, 403, 409) },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await merchantData.putBuyer(request.ctx, { ...request.body, id: request.params.id }),
        withoutTenant,
      ),
  });
  app.delete('/admin/buyers/:id', {
    schema: {
      operationId: 'deleteBuyer',
      tags,
      summary: 'Delete a buyer and their saved addresses',
      params: idOf(EXAMPLE_BUYER.id),
      response: { 200: deleted, ...errorResponses(401, 403, 404) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await merchantData.deleteBuyer(request.ctx, request.params.id), () => ({
        deleted: true as const,
      })),
  });
  app.get('/admin/buyers/:id/addresses', {
    schema: {
      operationId: 'listBuyerAddresses',
      tags,
      summary: "A buyer's saved addresses",
      params: idOf(EXAMPLE_BUYER.id),
      response: { 200: okEnvelope(z.array(addressDto)), ...errorResponses(401, 403) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await merchantData.listAddresses(request.ctx, request.params.id), many()),
  });
  app.put('/admin/buyers/:id/addresses/:addressId', {
    schema: {
      operationId: 'putBuyerAddress',
      tags,
      summary: 'Create or replace a saved address of a buyer',
      params: addressParams,
      body: savedAddressBodySchema.meta({ examples: [EXAMPLE_REQUESTS.putBuyerAddress] }),
      response: { 200: okEnvelope(addressDto), ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await merchantData.putAddress(request.ctx, request.params.id, {
          ...request.body,
          id: request.params.addressId,
        }),
        withoutTenant,
      ),
  });
  app.delete('/admin/buyers/:id/addresses/:addressId', {
    schema: {
      operationId: 'deleteBuyerAddress',
      tags,
      summary: 'Delete a saved address',
      params: addressParams,
      response: { 200: deleted, ...errorResponses(401, 403, 404) },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await merchantData.deleteAddress(request.ctx, request.params.id, request.params.addressId),
        () => ({ deleted: true as const }),
      ),
  });
};
