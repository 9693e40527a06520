import { z } from 'zod';
import { MAX_PAGE_SIZE } from '../app/catalog/search.ts';
import {
  addVariantInputSchema,
  catalogStatusSchema,
  createProductInputSchema,
  createSingleVariantInputSchema,
  stockLevelSchema,
  updateProductInputSchema,
  updateVariantInputSchema,
} from '../domain/catalog/inputs.ts';
import {
  availableUnits,
  type ProductVariant,
  type ProductWithVariants,
} from '../domain/catalog/types.ts';

/* What the catalog API shows. A buyer sees whether a variant can be bought (`available`);
   stock counts (`onHand`, `reserved`) only an admin. */

const TEE_ID = '01930000-0000-7000-8000-000000000001';
const TEE_L_ID = '01930000-0000-7000-8000-000000000011';

const exampleVariant = {
  variantId: TEE_ID,
  productId: TEE_ID,
  sku: 'TEE-BLACK-M',
  name: 'Classic tee, black, M',
  options: { size: 'M', colour: 'black' },
  priceCents: 1999,
  currency: 'USD',
  sellerId: null,
  status: 'active' as const,
  available: true,
};

export const variantDto = z
  .object({
    variantId: z.string(),
    productId: z.string(),
    sku: z.string(),
    name: z.string(),
    options: z.record(z.string(), z.string()),
    priceCents: z.number().int(),
    currency: z.string(),
    sellerId: z.string().nullable(),
    status: catalogStatusSchema,
    available: z.boolean().describe('Active and at least one unit not reserved'),
    onHand: z.number().int().optional().describe('Admins only: units in stock'),
    reserved: z.number().int().optional().describe('Admins only: units held by open orders'),
  })
  .meta({
    id: 'Variant',
    description:
      'What a buyer picks and buys: one SKU with its option values, price and availability',
    examples: [exampleVariant, { ...exampleVariant, onHand: 100, reserved: 3 }],
  });

const exampleProduct = {
  id: TEE_ID,
  title: 'Classic tee',
  description: 'Heavyweight organic cotton tee with a relaxed fit.',
  images: ['https://images.example.com/demo/tee-black.jpg'],
  category: 'apparel',
  optionNames: ['size', 'colour'],
  status: 'active' as const,
  variants: [
    exampleVariant,
    {
      ...exampleVariant,
      variantId: TEE_L_ID,
      sku: 'TEE-BLACK-L',
      name: 'Classic tee, black, L',
      options: { size: 'L', colour: 'black' },
    },
  ],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

export const productDto = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    images: z.array(z.string()),
    category: z.string().nullable(),
    optionNames: z.array(z.string()),
    status: catalogStatusSchema,
    variants: z.array(variantDto).describe('A buyer sees the active ones only'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({
    id: 'Product',
    description: 'What a shop shows: title, description, images and category over its variants',
    examples: [exampleProduct],
  });

export const productPageDto = z
  .object({
    items: z.array(productDto),
    nextCursor: z.string().nullable().describe('Pass back as `cursor` for the next page'),
  })
  .meta({
    id: 'ProductPage',
    description: 'One page of products, in the order of the search',
    examples: [
      {
        items: [exampleProduct],
        nextCursor: 'WzIsIjAxOTMwMDAwLTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMSJd',
      },
    ],
  });

export const createProductBody = z
  .union([
    createProductInputSchema.meta({
      id: 'CreateProduct',
      description: 'A product with its variants; each variant names a value for every option',
      examples: [
        {
          title: 'Classic tee',
          description: 'Heavyweight organic cotton tee with a relaxed fit.',
          images: ['https://images.example.com/demo/tee-black.jpg'],
          category: 'apparel',
          optionNames: ['size', 'colour'],
          variants: [
            {
              sku: 'TEE-BLACK-M',
              options: { size: 'M', colour: 'black' },
              priceCents: 1999,
              currency: 'USD',
              onHand: 100,
            },
            {
              sku: 'TEE-BLACK-L',
              options: { size: 'L', colour: 'black' },
              priceCents: 1999,
              currency: 'USD',
              onHand: 60,
            },
          ],
        },
      ],
    }),
    createSingleVariantInputSchema.meta({
      id: 'CreateSingleVariantProduct',
      description: 'The first shape: one flat variant, made a product of its own (same id)',
      examples: [
        {
          sku: 'MUG-ENAMEL',
          name: 'Enamel camp mug',
          priceCents: 1250,
          currency: 'USD',
          onHand: 250,
        },
      ],
    }),
  ])
  .describe('A product with variants, or one flat variant');

export const updateProductBody = updateProductInputSchema.meta({
  id: 'UpdateProduct',
  description: 'The fields to change; status archived stops every variant being bought',
  examples: [{ title: 'Classic tee (organic)', category: 'apparel' }, { status: 'archived' }],
});

export const addVariantBody = addVariantInputSchema.meta({
  id: 'AddVariant',
  description: 'A new variant of a product; its options follow the product’s option names',
  examples: [
    {
      sku: 'TEE-WHITE-L',
      options: { size: 'L', colour: 'white' },
      priceCents: 1999,
      currency: 'USD',
      onHand: 30,
    },
  ],
});

export const updateVariantBody = updateVariantInputSchema.meta({
  id: 'UpdateVariant',
  description: 'The fields to change; placed orders keep their snapshot of name and price',
  examples: [{ priceCents: 1799 }, { status: 'archived' }],
});

export const stockBody = z
  .object({ onHand: stockLevelSchema })
  .strict()
  .meta({
    id: 'SetStock',
    description: 'Units on hand; never below what is reserved',
    examples: [{ onHand: 120 }],
  });

const limit = z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20);
const cursor = z.string().max(200).optional().describe('nextCursor of the previous page');
const status = z
  .enum(['active', 'archived', 'any'])
  .optional()
  .describe('Admins only: archived or any (default active)');
const category = z.string().trim().min(1).max(100).optional().describe('A category, any case');

export const listQuery = z.object({ category, status, limit, cursor }).strict();
export const searchQuery = z
  .object({
    q: z
      .string()
      .max(200)
      .optional()
      .describe(
        'Words, as a web search takes them ("quoted phrase", -excluded), or part of a name or SKU',
      ),
    sku: z.string().trim().min(1).max(64).optional().describe('A SKU or its beginning, any case'),
    category,
    status,
    limit,
    cursor,
  })
  .strict();

export function presentVariant(
  variant: ProductVariant,
  admin: boolean,
): z.infer<typeof variantDto> {
  return {
    variantId: variant.id,
    productId: variant.productId,
    sku: variant.sku,
    name: variant.name,
    options: variant.options,
    priceCents: variant.priceCents,
    currency: variant.currency,
    sellerId: variant.sellerId,
    status: variant.status,
    available: variant.status === 'active' && availableUnits(variant) > 0,
    ...(admin ? { onHand: variant.onHand, reserved: variant.reserved } : {}),
  };
}

export function presentProduct(
  product: ProductWithVariants,
  admin: boolean,
): z.infer<typeof productDto> {
  return {
    id: product.id,
    title: product.title,
    description: product.description,
    images: product.images,
    category: product.category,
    optionNames: product.optionNames,
    status: product.status,
    variants: product.variants.map((variant) => presentVariant(variant, admin)),
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}
