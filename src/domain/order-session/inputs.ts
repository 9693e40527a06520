import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1).max(max);

export const shippingAddressSchema = z
  .object({
    name: text(200),
    line1: text(200),
    line2: text(200).optional(),
    city: text(100),
    region: text(100).optional(),
    postalCode: text(20),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as US or DE')
      .describe('ISO 3166-1 alpha-2 country code'),
    phone: z
      .string()
      .regex(/^\+?[0-9 ()-]{5,30}$/, 'a phone number')
      .optional(),
  })
  .strict();

export const addItemInputSchema = z
  .object({
    variantId: z.uuid().describe('A product variant id from GET /api/products'),
    quantity: z.number().int().positive().max(100_000),
  })
  .strict();
export type AddItemInput = z.infer<typeof addItemInputSchema>;

export const paymentMethodSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9_-]+$/, 'lower-case letters, digits, _ and -');

export const channelSchema = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[a-z0-9_-]+$/);

/** A place inside a channel, such as a Discord guild id. */
export const channelScopeSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/);

export const orderIdsSchema = z.array(z.uuid()).min(1).max(100);
