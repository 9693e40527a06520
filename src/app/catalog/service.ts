import {
  addVariantInputSchema,
  type CreateProductInput,
  type CreateSingleVariantInput,
  createProductInputSchema,
  createSingleVariantInputSchema,
  stockLevelSchema,
  type UpdateProductInput,
  type UpdateVariantInput,
  updateProductInputSchema,
  updateVariantInputSchema,
  type VariantInput,
} from '../../domain/catalog/inputs.ts';
import {
  type ProductVariant,
  type ProductWithVariants,
  variantName,
} from '../../domain/catalog/types.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import { parseInput } from '../../domain/validation.ts';
import { authorize } from '../access.ts';
import type { RequestContext } from '../context.ts';
import type { Clock, IdGenerator } from '../ports.ts';
import type { ProductRepository } from './repository.ts';
import { type CatalogSearch, createCatalogSearch } from './search.ts';

export { MAX_PAGE_SIZE } from './search.ts';

/** The catalog's use cases; `search` and `lookup` are the one search every channel uses. */
export interface CatalogService extends CatalogSearch {
  /** A product with its variants, or (the first shape of this call) one flat variant. */
  createProduct(
    ctx: RequestContext,
    input: CreateProductInput | CreateSingleVariantInput,
  ): Promise<Result<ProductWithVariants>>;
  /** By product id, or by the id of one of its variants; buyers see active ones only. */
  getProduct(ctx: RequestContext, id: string): Promise<Result<ProductWithVariants>>;
  /** One variant, whatever its status (admins: stock included in what the route shows). */
  getVariant(ctx: RequestContext, variantId: string): Promise<Result<ProductVariant>>;
  updateProduct(
    ctx: RequestContext,
    id: string,
    input: UpdateProductInput,
  ): Promise<Result<ProductWithVariants>>;
  addVariant(
    ctx: RequestContext,
    productId: string,
    input: VariantInput,
  ): Promise<Result<ProductVariant>>;
  updateVariant(
    ctx: RequestContext,
    variantId: string,
    input: UpdateVariantInput,
  ): Promise<Result<ProductVariant>>;
  setStock(ctx: RequestContext, variantId: string, onHand: number): Promise<Result<ProductVariant>>;
}

const isSingleVariant = (input: object): input is CreateSingleVariantInput =>
  !('variants' in input);

export function createCatalogService(
  repository: ProductRepository,
  deps: { clock: Clock; newId: IdGenerator },
): CatalogService {
  const notFound = (id: string) => fail('PRODUCT_NOT_FOUND', undefined, { productId: id });
  const canSeeArchived = (ctx: RequestContext) => authorize(ctx, 'product:write').ok;

  /** A buyer sees an active product's active variants; an admin sees everything. */
  function visibleTo(ctx: RequestContext, product: ProductWithVariants | null) {
    if (!product) return null;
    if (canSeeArchived(ctx)) return product;
    if (product.status !== 'active') return null;
    return { ...product, variants: product.variants.filter((v) => v.status === 'active') };
  }

  async function createFrom(
    ctx: RequestContext,
    input: CreateProductInput | CreateSingleVariantInput,
  ): Promise<Result<ProductWithVariants>> {
    const now = deps.clock.now();
    if (isSingleVariant(input)) {
      const parsed = parseInput(createSingleVariantInputSchema, input);
      if (!parsed.ok) return parsed;
      // One flat variant: its product takes its id, as the migration did for existing ones.
      const id = deps.newId();
      const { name, ...rest } = parsed.value;
      const variant: ProductVariant = {
        ...rest,
        id,
        productId: id,
        tenantId: ctx.tenantId,
        name,
        options: {},
        status: 'active',
        reserved: 0,
        createdAt: now,
        updatedAt: now,
      };
      return ok({
        id,
        tenantId: ctx.tenantId,
        title: name,
        description: '',
        images: [],
        category: null,
        optionNames: [],
        status: 'active',
        createdAt: now,
        updatedAt: now,
        variants: [variant],
      });
    }
    const parsed = parseInput(createProductInputSchema, input);
    if (!parsed.ok) return parsed;
    const { variants, ...product } = parsed.value;
    const id = deps.newId();
    return ok({
      ...product,
      id,
      tenantId: ctx.tenantId,
      status: 'active',
      createdAt: now,
      updatedAt: now,
      variants: variants.map((variant) => ({
        ...variant,
        id: deps.newId(),
        productId: id,
        tenantId: ctx.tenantId,
        name: variant.name ?? variantName(product.title, product.optionNames, variant.options),
        status: 'active',
        reserved: 0,
        createdAt: now,
        updatedAt: now,
      })),
    });
  }

  return {
    ...createCatalogSearch(repository),

    async createProduct(ctx, input) {
      const allowed = authorize(ctx, 'product:write');
      if (!allowed.ok) return allowed;
      const product = await createFrom(ctx, input);
      if (!product.ok) return product;
      const created = await repository.insertProduct(product.value);
      if ('skuTaken' in created) {
        return fail('SKU_ALREADY_EXISTS', `SKU ${created.skuTaken} already exists.`, {
          field: 'sku',
          sku: created.skuTaken,
        });
      }
      return ok(created);
    },

    async getProduct(ctx, id) {
      const allowed = authorize(ctx, 'product:read');
      if (!allowed.ok) return allowed;
      let product = await repository.findProduct(ctx.tenantId, id);
      if (!product) {
        const variant = await repository.findVariant(ctx.tenantId, id);
        if (variant) product = await repository.findProduct(ctx.tenantId, variant.productId);
      }
      const visible = visibleTo(ctx, product);
      return visible ? ok(visible) : notFound(id);
    },

    async getVariant(ctx, variantId) {
      const allowed = authorize(ctx, 'product:read');
      if (!allowed.ok) return allowed;
      const variant = await repository.findVariant(ctx.tenantId, variantId);
      if (!variant || (variant.status !== 'active' && !canSeeArchived(ctx)))
        return fail('VARIANT_NOT_FOUND', undefined, { variantId });
      return ok(variant);
    },

    async updateProduct(ctx, id, input) {
      const allowed = authorize(ctx, 'product:write');
      if (!allowed.ok) return allowed;
      const parsed = parseInput(updateProductInputSchema, input);
      if (!parsed.ok) return parsed;
      const updated = await repository.updateProduct(
        ctx.tenantId,
        id,
        parsed.value,
        deps.clock.now(),
      );
      return updated ? ok(updated) : notFound(id);
    },

    async addVariant(ctx, productId, input) {
      const allowed = authorize(ctx, 'product:write');
      if (!allowed.ok) return allowed;
      const parsed = parseInput(addVariantInputSchema, input);
      if (!parsed.ok) return parsed;
      const product = await repository.findProduct(ctx.tenantId, productId);
      if (!product) return notFound(productId);
      const options = parsed.value.options;
      const wrong = Object.keys(options).find((key) => !product.optionNames.includes(key));
      const missing = product.optionNames.find((name) => !(name in options));
      if (wrong !== undefined || missing !== undefined) {
        return fail(
          'VALIDATION_FAILED',
          wrong !== undefined
            ? `options: ${wrong} is not one of ${product.optionNames.join(', ') || 'no options'}`
            : `options: a value for ${missing} is required`,
          { field: 'options' },
        );
      }
      const now = deps.clock.now();
      const added = await repository.addVariant({
        ...parsed.value,
        id: deps.newId(),
        productId,
        tenantId: ctx.tenantId,
        name: parsed.value.name ?? variantName(product.title, product.optionNames, options),
        status: 'active',
        reserved: 0,
        createdAt: now,
        updatedAt: now,
      });
      if (added === 'product_not_found') return notFound(productId);
      if (added === 'product_archived') return fail('PRODUCT_ARCHIVED', undefined, { productId });
      if (added === 'sku_taken') {
        return fail('SKU_ALREADY_EXISTS', `SKU ${parsed.value.sku} already exists.`, {
          field: 'sku',
          sku: parsed.value.sku,
        });
      }
      return ok(added);
    },

    async updateVariant(ctx, variantId, input) {
      const allowed = authorize(ctx, 'product:write');
      if (!allowed.ok) return allowed;
      const parsed = parseInput(updateVariantInputSchema, input);
      if (!parsed.ok) return parsed;
      const updated = await repository.updateVariant(
        ctx.tenantId,
        variantId,
        parsed.value,
        deps.clock.now(),
      );
      if (updated === 'not_found') return fail('VARIANT_NOT_FOUND', undefined, { variantId });
      if (updated === 'product_archived') {
        return fail('PRODUCT_ARCHIVED', 'Restore the product before one of its variants.', {
          variantId,
        });
      }
      return ok(updated);
    },

    async setStock(ctx, variantId, onHand) {
      const allowed = authorize(ctx, 'product:write');
      if (!allowed.ok) return allowed;
      const parsed = parseInput(stockLevelSchema, onHand);
      if (!parsed.ok) return parsed;
      const updated = await repository.setOnHand(
        ctx.tenantId,
        variantId,
        parsed.value,
        deps.clock.now(),
      );
      if (updated === 'not_found') return fail('VARIANT_NOT_FOUND', undefined, { variantId });
      if (updated === 'below_reserved') {
        return fail('STOCK_BELOW_RESERVED', undefined, { field: 'onHand', variantId });
      }
      return ok(updated);
    },
  };
}
