import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize } from '../app/access.ts';
import type { CatalogService } from '../app/catalog/service.ts';
import { presentVariant, stockBody, updateVariantBody, variantDto } from './catalog.schemas.ts';
import { errorResponses, okEnvelope, sendResult } from './envelope.ts';

const tags = ['catalog'];
const variantId = z.object({ variantId: z.uuid() });

/** Variants by their own id: what a buyer orders, where an admin sets price, status and stock. */
export const variantRoutes: FastifyPluginAsyncZod<{ catalog: CatalogService }> = async (
  app,
  { catalog },
) => {
  app.get('/variants/:variantId', {
    schema: {
      operationId: 'getVariant',
      tags,
      summary: 'One variant (buyers: active ones, with `available` only)',
      params: variantId,
      response: { 200: okEnvelope(variantDto), ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await catalog.getVariant(request.ctx, request.params.variantId),
        (variant) => presentVariant(variant, authorize(request.ctx, 'product:write').ok),
      ),
  });

  app.patch('/admin/variants/:variantId', {
    schema: {
      operationId: 'updateVariant',
      tags,
      summary: 'Change a variant’s name, price or status (admin)',
      params: variantId,
      body: updateVariantBody,
      response: { 200: okEnvelope(variantDto), ...errorResponses(400, 401, 403, 404, 409) },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await catalog.updateVariant(request.ctx, request.params.variantId, request.body),
        (variant) => presentVariant(variant, true),
      ),
  });

  app.put('/admin/variants/:variantId/stock', {
    schema: {
      operationId: 'setVariantStock',
      tags,
      summary: 'Set a variant’s on-hand stock (admin); never below what is reserved',
      params: variantId,
      body: stockBody,
      response: { 200: okEnvelope(variantDto), ...errorResponses(400, 401, 403, 404, 409) },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await catalog.setStock(request.ctx, request.params.variantId, request.body.onHand),
        (variant) => presentVariant(variant, true),
      ),
  });

  app.put('/admin/products/:id/stock', {
    schema: {
      operationId: 'setVariantStockByProductPath',
      tags,
      deprecated: true,
      summary: 'The first path of setVariantStock: `:id` is a variant id',
      params: z.object({ id: z.uuid() }),
      body: stockBody,
      response: { 200: okEnvelope(variantDto), ...errorResponses(400, 401, 403, 404, 409) },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await catalog.setStock(request.ctx, request.params.id, request.body.onHand),
        (variant) => presentVariant(variant, true),
      ),
  });
};
