import { z } from 'zod';
import { MAX_AMOUNT_CENTS } from '../money.ts';
import { ROUNDING_MODES } from './rounding.ts';

const basisPoints = z.number().int().min(0).max(10_000).describe('basis points: 800 = 8%');

export const pricingSettingsSchema = z
  .object({
    taxRateBp: basisPoints,
    feeRateBp: basisPoints,
    roundingMode: z.enum(ROUNDING_MODES as ['half_up', 'half_even', 'down']),
    shippingFlatCents: z.number().int().min(0).max(MAX_AMOUNT_CENTS),
  })
  .strict();

export const createCouponInputSchema = z
  .object({
    code: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/),
    kind: z.enum(['percent', 'fixed']),
    percentBp: z.number().int().min(1).max(10_000).optional(),
    amountCents: z.number().int().min(1).max(MAX_AMOUNT_CENTS).optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
    minSubtotalCents: z.number().int().min(0).max(MAX_AMOUNT_CENTS).default(0),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    active: z.boolean().default(true),
  })
  .strict()
  .superRefine((coupon, ctx) => {
    if (coupon.kind === 'percent' && coupon.percentBp === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['percentBp'],
        message: 'a percent coupon needs percentBp',
      });
    }
    if (
      coupon.kind === 'fixed' &&
      (coupon.amountCents === undefined || coupon.currency === undefined)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['amountCents'],
        message: 'a fixed coupon needs amountCents and currency',
      });
    }
  });
export type CreateCouponInput = z.input<typeof createCouponInputSchema>;
