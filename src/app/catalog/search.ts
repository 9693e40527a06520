import type { ProductVariant } from '../../domain/catalog/types.ts';
import { ok, type Result } from '../../domain/result.ts';
import { authorize } from '../access.ts';
import type { RequestContext } from '../context.ts';
import type { ProductPage } from './repository.ts';
import { MAX_PAGE_SIZE } from './service.ts';

export interface VariantSearch {
  /** Variants whose name or SKU contains `text` (any case), SKU matches first; at most `limit`. */
  searchVariants(tenantId: string, text: string, limit: number): Promise<ProductVariant[]>;
}

export type SearchCatalog = (
  ctx: RequestContext,
  text: string,
  limit: number,
) => Promise<Result<ProductVariant[]>>;

/** A buyer's look-up by name or SKU (a chat's autocomplete, say), within their tenant. */
export function createSearchCatalog(search: VariantSearch): SearchCatalog {
  return async (ctx, text, limit) => {
    const allowed = authorize(ctx, 'product:read');
    if (!allowed.ok) return allowed;
    const bounded = Math.min(Math.max(Math.trunc(limit), 1), 100);
    return ok(await search.searchVariants(ctx.tenantId, text.trim().slice(0, 100), bounded));
  };
}

/** Finding products by words or by identifiers, as shopping agents do. */
export interface ProductSearchRepository {
  /** Variants whose name or SKU contains every word of `query` (case-insensitive), by id. */
  searchVariants(
    tenantId: string,
    query: { words: string[]; limit: number; after?: string | undefined },
  ): Promise<ProductPage>;
  /** Variants whose id or SKU is one of `ids`. */
  findVariantsByIdOrSku(tenantId: string, ids: readonly string[]): Promise<ProductVariant[]>;
}

export interface ProductSearch {
  search(
    ctx: RequestContext,
    input: { query?: string | undefined; limit?: number | undefined; after?: string | undefined },
  ): Promise<Result<ProductPage>>;
  lookup(ctx: RequestContext, ids: readonly string[]): Promise<Result<ProductVariant[]>>;
}

export function createProductSearch(repository: ProductSearchRepository): ProductSearch {
  return {
    async search(ctx, input) {
      const allowed = authorize(ctx, 'product:read');
      if (!allowed.ok) return allowed;
      const words = (input.query ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 10);
      const limit = Math.min(Math.max(input.limit ?? 10, 1), MAX_PAGE_SIZE);
      return ok(
        await repository.searchVariants(ctx.tenantId, { words, limit, after: input.after }),
      );
    },
    async lookup(ctx, ids) {
      const allowed = authorize(ctx, 'product:read');
      if (!allowed.ok) return allowed;
      return ok(await repository.findVariantsByIdOrSku(ctx.tenantId, ids.slice(0, MAX_PAGE_SIZE)));
    },
  };
}
