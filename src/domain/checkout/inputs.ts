import { z } from 'zod';
import { paymentMethodSchema, shippingAddressSchema } from '../order-session/inputs.ts';

export const MAX_CHECKOUT_LINES = 50;
export const MAX_LINE_QUANTITY = 999;

export const idempotencyKeySchema = z.string().min(1).max(255);

export const checkoutLineSchema = z
  .object({
    variantId: z.uuid(),
    quantity: z.number().int().positive().max(MAX_LINE_QUANTITY),
  })
  .strict();

export const placeOrderInputSchema = z
  .object({
    idempotencyKey: idempotencyKeySchema.optional().describe('Or the Idempotency-Key header'),
    items: z.array(checkoutLineSchema).min(1).max(MAX_CHECKOUT_LINES),
    shippingAddress: shippingAddressSchema,
    paymentMethod: paymentMethodSchema.optional(),
    couponCode: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/)
      .optional(),
    paymentWindowMinutes: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        'Minutes to pay, within the configured bounds (default ORDER_SESSION_DURATION_MINUTES)',
      ),
    customer: z
      .object({
        email: z.email().max(254).optional(),
        name: z.string().trim().min(1).max(200).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type PlaceOrderInput = z.input<typeof placeOrderInputSchema>;
