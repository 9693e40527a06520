import type {
  CatalogStatus,
  ProductVariant,
  ProductWithVariants,
} from '../../domain/catalog/types.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import { authorize } from '../access.ts';
import type { RequestContext } from '../context.ts';
import type { CatalogSearchRepository, SearchPosition } from './repository.ts';

export const MAX_PAGE_SIZE = 100;
const MAX_TEXT = 200;

export interface CatalogSearchInput {
  text?: string | undefined;
  sku?: string | undefined;
  category?: string | undefined;
  /** Whom to show: 'active' (the default, and all a buyer may ask for), 'archived' or 'any'. */
  status?: CatalogStatus | 'any' | undefined;
  limit?: number | undefined;
  /** The nextCursor of the page before. */
  cursor?: string | undefined;
}

export interface CatalogSearchPage {
  items: ProductWithVariants[];
  /** Opaque; pass back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/** The one catalog search, behind the HTTP API and every channel. */
export interface CatalogSearch {
  search(ctx: RequestContext, input: CatalogSearchInput): Promise<Result<CatalogSearchPage>>;
  /** Buyable variants by id or SKU (an agent's look-up). */
  lookup(ctx: RequestContext, ids: readonly string[]): Promise<Result<ProductVariant[]>>;
}

export function encodeCursor(position: SearchPosition): string {
  return Buffer.from(JSON.stringify([position.rank, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): SearchPosition | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [rank, id] = value as unknown[];
    if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 0 || rank > 2) return null;
    if (typeof id !== 'string' || !/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(id))
      return null;
    return { rank, id };
  } catch {
    return null;
  }
}

export function createCatalogSearch(repository: CatalogSearchRepository): CatalogSearch {
  return {
    async search(ctx, input) {
      const allowed = authorize(ctx, 'product:read');
      if (!allowed.ok) return allowed;
      const visible = input.status ?? 'active';
      if (visible !== 'active') {
        const admin = authorize(ctx, 'product:write');
        if (!admin.ok)
          return fail('FORBIDDEN', 'Only an admin sees archived products.', {
            field: 'status',
          });
      }
      let after: SearchPosition | undefined;
      if (input.cursor !== undefined) {
        const decoded = decodeCursor(input.cursor);
        if (!decoded)
          return fail('VALIDATION_FAILED', 'cursor: not a cursor of this search', {
            field: 'cursor',
          });
        after = decoded;
      }
      const limit = Math.min(Math.max(Math.trunc(input.limit ?? 20), 1), MAX_PAGE_SIZE);
      const page = await repository.searchProducts(ctx.tenantId, {
        text: input.text?.trim().slice(0, MAX_TEXT) || undefined,
        sku: input.sku?.trim() || undefined,
        category: input.category?.trim() || undefined,
        visible,
        limit,
        after,
      });
      return ok({ items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null });
    },

    async lookup(ctx, ids) {
      const allowed = authorize(ctx, 'product:read');
      if (!allowed.ok) return allowed;
      return ok(
        await repository.findVariantsByIdOrSku(ctx.tenantId, ids.slice(0, MAX_PAGE_SIZE), 'active'),
      );
    },
  };
}

/* The channels' views of the one search: they list variants (what an agent or a chat buys). */

export type SearchCatalog = (
  ctx: RequestContext,
  text: string,
  limit: number,
) => Promise<Result<ProductVariant[]>>;

/** A buyer's look-up by words or SKU (a chat's autocomplete), at most `limit` variants. */
export function createSearchCatalog(search: CatalogSearch): SearchCatalog {
  return async (ctx, text, limit) => {
    const bounded = Math.min(Math.max(Math.trunc(limit), 1), MAX_PAGE_SIZE);
    const found = await search.search(ctx, { text: text.slice(0, MAX_TEXT), limit: bounded });
    if (!found.ok) return found;
    return ok(found.value.items.flatMap((product) => product.variants).slice(0, bounded));
  };
}

export interface VariantPage {
  items: ProductVariant[];
  nextCursor: string | null;
}

/** Finding products by words or by identifiers, as shopping agents do (UCP, ACP, MCP). */
export interface ProductSearch {
  search(
    ctx: RequestContext,
    input: { query?: string | undefined; limit?: number | undefined; after?: string | undefined },
  ): Promise<Result<VariantPage>>;
  lookup(ctx: RequestContext, ids: readonly string[]): Promise<Result<ProductVariant[]>>;
}

export function createProductSearch(search: CatalogSearch): ProductSearch {
  return {
    async search(ctx, input) {
      const found = await search.search(ctx, {
        text: input.query,
        limit: input.limit ?? 10,
        cursor: input.after,
      });
      if (!found.ok) return found;
      return ok({
        items: found.value.items.flatMap((product) => product.variants),
        nextCursor: found.value.nextCursor,
      });
    },
    lookup: (ctx, ids) => search.lookup(ctx, ids),
  };
}
