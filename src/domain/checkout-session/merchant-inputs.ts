import { z } from 'zod';
import { MAX_AMOUNT_CENTS } from '../money.ts';
import { postalAddressSchema } from './inputs.ts';

const id = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits, _ . : and -');

export const shippingRateInputSchema = z
  .object({
    id,
    countryCode: z
      .string()
      .trim()
      .regex(/^([A-Za-z]{2}|default)$/, 'an ISO 3166-1 alpha-2 code or "default"')
      .transform((c) => (c === 'default' ? c : c.toUpperCase())),
    serviceLevel: z.string().trim().min(1).max(50),
    priceCents: z.number().int().min(0).max(MAX_AMOUNT_CENTS),
    title: z.string().trim().min(1).max(200),
  })
  .strict();
export type ShippingRateInput = z.input<typeof shippingRateInputSchema>;

const promotionFields = z
  .object({
    id,
    type: z.literal('free_shipping'),
    minSubtotalCents: z.number().int().min(0).max(MAX_AMOUNT_CENTS).nullable().default(null),
    eligibleSkus: z.array(z.string().min(1).max(100)).max(1000).default([]),
    description: z.string().trim().min(1).max(500),
  })
  .strict();
export const promotionBodySchema = promotionFields.omit({ id: true });

export const promotionInputSchema = promotionFields.refine(
  (p) => p.minSubtotalCents !== null || p.eligibleSkus.length > 0,
  {
    message: 'a promotion needs minSubtotalCents or eligibleSkus',
    path: ['minSubtotalCents'],
  },
);
export type PromotionInput = z.input<typeof promotionInputSchema>;

export const buyerInputSchema = z
  .object({
    id,
    email: z
      .email()
      .max(254)
      .transform((e) => e.toLowerCase()),
    name: z.string().trim().min(1).max(200),
  })
  .strict();
export type KnownBuyerInput = z.input<typeof buyerInputSchema>;

export const savedAddressInputSchema = postalAddressSchema.extend({ id });
export type SavedAddressInput = z.input<typeof savedAddressInputSchema>;

/** The admin API's bodies: the id is in the path. */
export const shippingRateBodySchema = shippingRateInputSchema.omit({ id: true });
export const buyerBodySchema = buyerInputSchema.omit({ id: true });
export const savedAddressBodySchema = postalAddressSchema;
