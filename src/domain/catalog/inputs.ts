import { z } from 'zod';
import { MAX_AMOUNT_CENTS } from '../money.ts';
import { CATALOG_STATUSES } from './types.ts';

export const MAX_STOCK_UNITS = 1_000_000_000;
export const MAX_VARIANTS_PER_PRODUCT = 100;

export const skuSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ., _ and -');

export const stockLevelSchema = z.number().int().min(0).max(MAX_STOCK_UNITS);
export const catalogStatusSchema = z.enum(CATALOG_STATUSES);

const priceCents = z.number().int().min(0).max(MAX_AMOUNT_CENTS);
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD');
const sellerId = z
  .string()
  .min(1)
  .max(128)
  .nullable()
  .default(null)
  .describe('The seller of this item; null (the default) for a house-brand item');
const optionName = z.string().trim().min(1).max(40);
const optionValue = z.string().trim().min(1).max(100);
const variantNameSchema = z.string().trim().min(1).max(200);

export const variantOptionsSchema = z
  .record(optionName, optionValue)
  .refine((options) => Object.keys(options).length <= 5, 'at most 5 options')
  .describe('Option values by option name, e.g. {"size":"M","colour":"black"}');

const imageUrl = z
  .url({ protocol: /^https?$/, hostname: z.regexes.domain })
  .max(2000)
  .describe('An http(s) image URL');

/** A new variant: what is bought. `name` defaults to the title and the option values. */
export const variantInputSchema = z
  .object({
    sku: skuSchema,
    name: variantNameSchema.optional(),
    options: variantOptionsSchema.default({}),
    priceCents,
    currency,
    sellerId,
    onHand: stockLevelSchema.default(0),
  })
  .strict();
export type VariantInput = z.input<typeof variantInputSchema>;

const categoryName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .describe('One category name, e.g. "flowers"; search filters on it, ignoring case');

const productFields = {
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().max(5000).default(''),
  images: z.array(imageUrl).max(20).default([]),
  category: categoryName.nullable().default(null),
};

/** Every variant names a value for each option of its product, and no other; SKUs and option sets differ. */
function checkVariants(
  product: { optionNames: string[]; variants: { sku: string; options: Record<string, string> }[] },
  ctx: z.RefinementCtx,
): void {
  const names = new Set(product.optionNames);
  if (names.size !== product.optionNames.length) {
    ctx.addIssue({ code: 'custom', path: ['optionNames'], message: 'option names repeat' });
  }
  const skus = new Set<string>();
  const combos = new Set<string>();
  product.variants.forEach((variant, i) => {
    const keys = Object.keys(variant.options);
    const wrong = keys.find((key) => !names.has(key));
    const missing = product.optionNames.find((name) => !(name in variant.options));
    if (wrong !== undefined || missing !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['variants', i, 'options'],
        message:
          wrong !== undefined
            ? `${wrong} is not one of optionNames`
            : `a value for ${missing} is required`,
      });
    }
    if (skus.has(variant.sku)) {
      ctx.addIssue({ code: 'custom', path: ['variants', i, 'sku'], message: 'SKU repeats' });
    }
    skus.add(variant.sku);
    const combo = JSON.stringify(product.optionNames.map((name) => variant.options[name]));
    if (product.optionNames.length > 0 && combos.has(combo)) {
      ctx.addIssue({
        code: 'custom',
        path: ['variants', i, 'options'],
        message: 'another variant has the same options',
      });
    }
    combos.add(combo);
  });
}

export const createProductInputSchema = z
  .object({
    ...productFields,
    optionNames: z.array(optionName).max(5).default([]),
    variants: z.array(variantInputSchema).min(1).max(MAX_VARIANTS_PER_PRODUCT),
  })
  .strict()
  .superRefine(checkVariants);
export type CreateProductInput = z.input<typeof createProductInputSchema>;

/**
 * The first shape of the create call: one variant, flat. It still works and makes a product of
 * one variant, titled by its name (older clients, bulk seeds).
 */
export const createSingleVariantInputSchema = z
  .object({
    sku: skuSchema,
    name: variantNameSchema,
    priceCents,
    currency,
    sellerId,
    onHand: stockLevelSchema.default(0),
  })
  .strict();
export type CreateSingleVariantInput = z.input<typeof createSingleVariantInputSchema>;

export const updateProductInputSchema = z
  .object({
    title: productFields.title.optional(),
    description: z.string().trim().max(5000).optional(),
    images: z.array(imageUrl).max(20).optional(),
    category: categoryName.nullable().optional(),
    status: catalogStatusSchema
      .optional()
      .describe('archived: no variant of it can be bought; active again restores every variant'),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export type UpdateProductInput = z.input<typeof updateProductInputSchema>;

export const updateVariantInputSchema = z
  .object({
    name: variantNameSchema.optional(),
    priceCents: priceCents.optional().describe('New orders only: placed orders keep their price'),
    status: catalogStatusSchema.optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export type UpdateVariantInput = z.input<typeof updateVariantInputSchema>;

/** Adding a variant to a product that exists: its options follow the product's option names. */
export const addVariantInputSchema = variantInputSchema;
