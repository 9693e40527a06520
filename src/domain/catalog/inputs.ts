import { z } from 'zod';
import { MAX_AMOUNT_CENTS } from '../money.ts';

export const MAX_STOCK_UNITS = 1_000_000_000;

export const skuSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ., _ and -');

export const stockLevelSchema = z.number().int().min(0).max(MAX_STOCK_UNITS);

export const createProductInputSchema = z
  .object({
    sku: skuSchema,
    name: z.string().trim().min(1).max(200),
    priceCents: z.number().int().min(0).max(MAX_AMOUNT_CENTS),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'),
    sellerId: z
      .string()
      .min(1)
      .max(128)
      .nullable()
      .default(null)
      .describe('The seller of this item; null (the default) for a house-brand item'),
    onHand: z.number().int().min(0).max(MAX_STOCK_UNITS).default(0),
  })
  .strict();
export type CreateProductInput = z.input<typeof createProductInputSchema>;
