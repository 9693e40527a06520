import type { ProductVariant } from '../../domain/catalog/types.ts';
import { ok, type Result } from '../../domain/result.ts';
import { authorize } from '../access.ts';
import type { RequestContext } from '../context.ts';

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
