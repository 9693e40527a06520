import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize } from '../app/access.ts';
import type { CatalogService } from '../app/catalog/service.ts';
import {
  createProductInputSchema,
  createSingleVariantInputSchema,
} from '../domain/catalog/inputs.ts';
import {
  addVariantBody,
  createProductBody,
  listQuery,
  presentProduct,
  presentVariant,
  productDto,
  productPageDto,
  searchQuery,
  updateProductBody,
  variantDto,
} from './catalog.schemas.ts';
import { errorResponses, okEnvelope, sendResult } from './envelope.ts';
import { validatorCompiler } from './validator.ts';
import { variantRoutes } from './variants.routes.ts';

const tags = ['catalog'];
const productId = z.object({ id: z.uuid() });

/** Admins see stock counts and archived items; buyers see `available` only. */
export const isCatalogAdmin = (request: FastifyRequest) =>
  authorize(request.ctx, 'product:write').ok;

/**
 * The create body takes two shapes; each is validated alone, so that a wrong field is named
 * exactly (a union would only say that neither shape matched).
 */
const createBodyValidator: typeof validatorCompiler = (route) => {
  if (route.httpPart !== 'body') return validatorCompiler(route);
  const product = validatorCompiler({ ...route, schema: createProductInputSchema });
  const flat = validatorCompiler({ ...route, schema: createSingleVariantInputSchema });
  return (data) =>
    typeof data === 'object' && data !== null && 'variants' in data ? product(data) : flat(data);
};

export const productRoutes: FastifyPluginAsyncZod<{ catalog: CatalogService }> = async (
  app,
  { catalog },
) => {
  const page =
    (request: FastifyRequest) =>
    (value: { items: Parameters<typeof presentProduct>[0][]; nextCursor: string | null }) => ({
      items: value.items.map((product) => presentProduct(product, isCatalogAdmin(request))),
      nextCursor: value.nextCursor,
    });

  app.get('/products', {
    schema: {
      operationId: 'listProducts',
      tags,
      summary: 'List products a page at a time, by id (optionally one category)',
      querystring: listQuery,
      response: { 200: okEnvelope(productPageDto), ...errorResponses(400, 401, 403) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await catalog.search(request.ctx, request.query), page(request)),
  });

  app.get('/products/search', {
    schema: {
      operationId: 'searchProducts',
      tags,
      summary: 'Search products by words, SKU and category; exact SKU matches first',
      querystring: searchQuery,
      response: { 200: okEnvelope(productPageDto), ...errorResponses(400, 401, 403) },
    },
    handler: async (request, reply) => {
      const { q, ...rest } = request.query;
      return sendResult(
        reply,
        await catalog.search(request.ctx, { ...rest, text: q }),
        page(request),
      );
    },
  });

  app.get('/products/:id', {
    schema: {
      operationId: 'getProduct',
      tags,
      summary: 'One product with its variants (by product id, or by one of its variant ids)',
      params: productId,
      response: { 200: okEnvelope(productDto), ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (request, reply) =>
      sendResult(reply, await catalog.getProduct(request.ctx, request.params.id), (product) =>
        presentProduct(product, isCatalogAdmin(request)),
      ),
  });

  app.post('/admin/products', {
    schema: {
      operationId: 'createProduct',
      tags,
      summary: 'Create a product with its variants (admin)',
      body: createProductBody,
      response: { 201: okEnvelope(productDto), ...errorResponses(400, 401, 403, 409) },
    },
    // Fastify types a route's own compiler by its schema object; ours takes zod types, as the app's does.
    validatorCompiler: createBodyValidator as never,
    handler: async (request, reply) =>
      sendResult(
        reply,
        await catalog.createProduct(request.ctx, request.body),
        (product) => presentProduct(product, true),
        201,
      ),
  });

  app.patch('/admin/products/:id', {
    schema: {
      operationId: 'updateProduct',
      tags,
      summary: 'Change a product’s title, description, images, category or status (admin)',
      params: productId,
      body: updateProductBody,
      response: { 200: okEnvelope(productDto), ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await catalog.updateProduct(request.ctx, request.params.id, request.body),
        (product) => presentProduct(product, true),
      ),
  });

  app.post('/admin/products/:id/archive', {
    schema: {
      operationId: 'archiveProduct',
      tags,
      summary: 'Archive a product and its variants (admin): no new order can take them',
      description:
        'Placed orders keep their snapshots. Restore with PATCH status "active", which restores every variant.',
      params: productId,
      response: { 200: okEnvelope(productDto), ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await catalog.updateProduct(request.ctx, request.params.id, { status: 'archived' }),
        (product) => presentProduct(product, true),
      ),
  });

  app.post('/admin/products/:id/variants', {
    schema: {
      operationId: 'addVariant',
      tags,
      summary: 'Add a variant to a product (admin)',
      params: productId,
      body: addVariantBody,
      response: { 201: okEnvelope(variantDto), ...errorResponses(400, 401, 403, 404, 409) },
    },
    handler: async (request, reply) =>
      sendResult(
        reply,
        await catalog.addVariant(request.ctx, request.params.id, request.body),
        (variant) => presentVariant(variant, true),
        201,
      ),
  });

  await app.register(variantRoutes, { catalog });
};
