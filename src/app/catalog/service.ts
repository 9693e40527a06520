import {
  type CreateProductInput,
  createProductInputSchema,
  stockLevelSchema,
} from '../../domain/catalog/inputs.ts';
import type { ProductVariant } from '../../domain/catalog/types.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import { parseInput } from '../../domain/validation.ts';
import { authorize } from '../access.ts';
import type { RequestContext } from '../context.ts';
import type { Clock, IdGenerator } from '../ports.ts';
import type { ProductPage, ProductRepository } from './repository.ts';

export const MAX_PAGE_SIZE = 100;

export interface CatalogService {
  createProduct(ctx: RequestContext, input: CreateProductInput): Promise<Result<ProductVariant>>;
  getProduct(ctx: RequestContext, id: string): Promise<Result<ProductVariant>>;
  setStock(ctx: RequestContext, id: string, onHand: number): Promise<Result<ProductVariant>>;
  listProducts(
    ctx: RequestContext,
    page?: { limit?: number | undefined; after?: string | undefined },
  ): Promise<Result<ProductPage>>;
}

export function createCatalogService(
  repository: ProductRepository,
  deps: { clock: Clock; newId: IdGenerator },
): CatalogService {
  return {
    async createProduct(ctx, input) {
      const allowed = authorize(ctx, 'product:write');
      if (!allowed.ok) return allowed;
      const parsed = parseInput(createProductInputSchema, input);
      if (!parsed.ok) return parsed;
      const now = deps.clock.now();
      const created = await repository.insertVariant({
        ...parsed.value,
        id: deps.newId(),
        tenantId: ctx.tenantId,
        reserved: 0,
        createdAt: now,
        updatedAt: now,
      });
      if (!created) {
        return fail('SKU_ALREADY_EXISTS', `SKU ${parsed.value.sku} already exists.`, {
          field: 'sku',
        });
      }
      return ok(created);
    },

    async getProduct(ctx, id) {
      const allowed = authorize(ctx, 'product:read');
      if (!allowed.ok) return allowed;
      const variant = await repository.findVariant(ctx.tenantId, id);
      return variant ? ok(variant) : fail('VARIANT_NOT_FOUND', undefined, { variantId: id });
    },

    async setStock(ctx, id, onHand) {
      const allowed = authorize(ctx, 'product:write');
      if (!allowed.ok) return allowed;
      const parsed = parseInput(stockLevelSchema, onHand);
      if (!parsed.ok) return parsed;
      const updated = await repository.setOnHand(ctx.tenantId, id, parsed.value, deps.clock.now());
      if (updated === 'not_found') return fail('VARIANT_NOT_FOUND', undefined, { variantId: id });
      if (updated === 'below_reserved') {
        return fail('STOCK_BELOW_RESERVED', undefined, { field: 'onHand', variantId: id });
      }
      return ok(updated);
    },

    async listProducts(ctx, page = {}) {
      const allowed = authorize(ctx, 'product:read');
      if (!allowed.ok) return allowed;
      const limit = Math.min(Math.max(page.limit ?? 50, 1), MAX_PAGE_SIZE);
      const query = page.after === undefined ? { limit } : { limit, after: page.after };
      return ok(await repository.listVariants(ctx.tenantId, query));
    },
  };
}
