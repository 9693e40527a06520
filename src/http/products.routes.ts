import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type CatalogService, MAX_PAGE_SIZE } from '../app/catalog/service.ts';
import { createProductInputSchema, stockLevelSchema } from '../domain/catalog/inputs.ts';
import { availableUnits, type ProductVariant } from '../domain/catalog/types.ts';
import { errorResponses, okEnvelope, sendResult } from './envelope.ts';

const productDto = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  priceCents: z.number().int(),
  currency: z.string(),
  sellerId: z.string().nullable(),
  onHand: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

function presentProduct(variant: ProductVariant): z.infer<typeof productDto> {
  return {
    id: variant.id,
    sku: variant.sku,
    name: variant.name,
    priceCents: variant.priceCents,
    currency: variant.currency,
    sellerId: variant.sellerId,
    onHand: variant.onHand,
    reserved: variant.reserved,
    available: availableUnits(variant),
    createdAt: variant.createdAt.toISOString(),
    updatedAt: variant.updatedAt.toISOString(),
  };
}

const tags = ['catalog'];

export const productRoutes: FastifyPluginAsyncZod<{ catalog: CatalogService }> = async (
  app,
  { catalog },
) => {
  app.get('/products', {
    schema: {
      tags,
      summary: 'List product variants, oldest first, a page at a time',
      querystring: z
        .object({
          limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
          after: z.uuid().optional().describe('nextCursor of the previous page'),
        })
        .strict(),
      response: {
        200: okEnvelope(
          z.object({ items: z.array(productDto), nextCursor: z.string().nullable() }),
        ),
        ...errorResponses(400, 401, 403),
      },
    },
    handler: async (request, reply) =>
      sendResult(reply, await catalog.listProducts(request.ctx, request.query), (page) => ({
        items: page.items.map(presentProduct),
        nextCursor: page.nextCursor,
      })),
  });

  app.get('/products/:id', {
    schema: {
      tags,
      summary: 'One product variant',
      params: z.object({ id: z.uuid() }),
      response: { 200: okEnvelope(productDto), ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await catalog.getProduct(request.ctx, request.params.id), presentProduct),
  });

  app.put('/admin/products/:id/stock', {
    schema: {
      tags,
      summary: 'Set on-hand stock (admin); never below what is reserved',
      params: z.object({ id: z.uuid() }),
      body: z.object({ onHand: stockLevelSchema }).strict(),
      response: { 200: okEnvelope(productDto), ...errorResponses(400, 401, 403, 404, 409) },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await catalog.setStock(request.ctx, request.params.id, request.body.onHand),
        presentProduct,
      ),
  });

  app.post('/admin/products', {
    schema: {
      tags,
      summary: 'Create a product variant (admin)',
      body: createProductInputSchema,
      response: { 201: okEnvelope(productDto), ...errorResponses(400, 401, 403, 409) },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await catalog.createProduct(request.ctx, request.body),
        presentProduct,
        201,
      ),
  });
};
