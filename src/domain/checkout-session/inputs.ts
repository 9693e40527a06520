import { z } from 'zod';

/** Inputs of the agent checkout session use cases, camelCase; channels map their wire shape to these. */

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).optional();

export const MAX_SESSION_LINES = 50;
/** Quantities above what one order line may hold are kept and flagged, not refused (see messages). */
export const MAX_REQUESTED_QUANTITY = 1_000_000;

export const postalAddressSchema = z
  .object({
    streetAddress: text(200),
    extendedAddress: optionalText(200),
    locality: text(100),
    region: optionalText(100),
    postalCode: text(20),
    country: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code such as US or DE')
      .transform((c) => c.toUpperCase()),
    firstName: optionalText(100),
    lastName: optionalText(100),
    phoneNumber: optionalText(40),
  })
  .strict();
export type PostalAddressInput = z.input<typeof postalAddressSchema>;

export const buyerSchema = z
  .object({
    email: z.email().max(254).optional(),
    firstName: optionalText(100),
    lastName: optionalText(100),
    fullName: optionalText(200),
    phoneNumber: optionalText(40),
    consent: z
      .object({
        marketing: z.boolean().optional(),
        analytics: z.boolean().optional(),
        saleOfData: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type BuyerInput = z.input<typeof buyerSchema>;

/** A line by catalog SKU or variant id; `id` keeps an existing line's id. Prices are never taken. */
export const lineItemInputSchema = z
  .object({
    id: z.string().min(1).max(100).optional(),
    sku: z.string().min(1).max(100).optional(),
    variantId: z.string().min(1).max(100).optional(),
    quantity: z.number().int().min(1).max(MAX_REQUESTED_QUANTITY),
  })
  .strict()
  .refine((line) => line.sku !== undefined || line.variantId !== undefined, {
    message: 'a line needs sku or variantId',
    path: ['sku'],
  });
export type LineItemInput = z.input<typeof lineItemInputSchema>;

const idText = z.string().max(100);

/**
 * A destination may be partial (a country and a postal code are enough to quote shipping, as
 * agents do before the buyer gives the rest); a missing street or locality is kept empty.
 */
export const destinationInputSchema = postalAddressSchema.extend({
  /** Empty or absent: the server names it (or recognises a saved address). */
  id: idText.optional(),
  streetAddress: z.string().trim().max(200).default(''),
  locality: z.string().trim().max(100).default(''),
});

export const fulfillmentMethodInputSchema = z
  .object({
    id: idText.optional(),
    type: z.literal('shipping').default('shipping'),
    destinations: z.array(destinationInputSchema).max(20).optional(),
    selectedDestinationId: idText.nullable().optional(),
    groups: z
      .array(
        z
          .object({ id: idText.optional(), selectedOptionId: idText.nullable().optional() })
          .strict(),
      )
      .max(20)
      .optional(),
  })
  .strict();
export type FulfillmentMethodInput = z.input<typeof fulfillmentMethodInputSchema>;

export const paymentInstrumentSchema = z
  .object({
    id: text(100),
    handlerId: text(100),
    type: text(50),
    display: z.record(z.string(), z.unknown()).optional(),
    credential: z.record(z.string(), z.unknown()).optional(),
    billingAddress: postalAddressSchema.optional(),
  })
  .strict();
export type PaymentInstrumentInput = z.input<typeof paymentInstrumentSchema>;

const discountCode = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .transform((c) => c.toUpperCase());

/** Every field is optional; a field that is present replaces what the session had. */
export const updateCheckoutSessionSchema = z
  .object({
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
    lineItems: z.array(lineItemInputSchema).max(MAX_SESSION_LINES).optional(),
    buyer: buyerSchema.nullable().optional(),
    fulfillment: z
      .object({ methods: z.array(fulfillmentMethodInputSchema).max(5) })
      .strict()
      .nullable()
      .optional(),
    /** Shorthand: one shipping method with this one destination, selected. */
    shippingAddress: postalAddressSchema.nullable().optional(),
    billingAddress: postalAddressSchema.nullable().optional(),
    paymentInstruments: z.array(paymentInstrumentSchema).max(10).optional(),
    discountCodes: z.array(discountCode).max(10).optional(),
    continueUrl: z.url().max(2000).nullable().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type UpdateCheckoutSessionInput = z.input<typeof updateCheckoutSessionSchema>;
export type UpdateCheckoutSessionCommand = z.output<typeof updateCheckoutSessionSchema>;

export const createCheckoutSessionSchema = updateCheckoutSessionSchema;
export type CreateCheckoutSessionInput = UpdateCheckoutSessionInput;

export const addLineItemsSchema = z.array(lineItemInputSchema).min(1).max(MAX_SESSION_LINES);

export const completeCheckoutSessionSchema = z
  .object({
    /** Replaces the session's instruments before completing (UCP sends them with complete). */
    paymentInstruments: z.array(paymentInstrumentSchema).min(1).max(10).optional(),
    /** Which instrument to charge; the first one when unset. */
    instrumentId: z.string().min(1).max(100).optional(),
    /**
     * For a channel whose protocol lets an agent complete without a buyer e-mail (UCP's
     * conformance suite completes sessions that have none): the missing e-mail then does not
     * block completion. Every other requirement stands.
     */
    buyerEmailOptional: z.boolean().optional(),
  })
  .strict();
export type CompleteCheckoutSessionInput = z.input<typeof completeCheckoutSessionSchema>;
