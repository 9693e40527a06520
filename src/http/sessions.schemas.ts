import { z } from 'zod';
import {
  addItemInputSchema,
  paymentMethodSchema,
  shippingAddressSchema,
} from '../domain/order-session/inputs.ts';
import { ORDER_SESSION_STATES, orderSessionMachine } from '../domain/order-session/machine.ts';
import { sessionSubtotalCents } from '../domain/order-session/rules.ts';
import type { OrderSessionRecord } from '../domain/order-session/types.ts';
import {
  EXAMPLE_IDS,
  EXAMPLE_REQUESTS,
  EXAMPLE_SESSION,
  EXAMPLE_SESSION_ITEM,
} from './openapi-examples.ts';

export const sessionItemDto = z
  .object({
    productId: z.string(),
    sku: z.string(),
    name: z.string(),
    quantity: z.number().int(),
    unitPriceCents: z.number().int(),
    currency: z.string(),
    lineTotalCents: z.number().int(),
  })
  .meta({ id: 'OrderSessionItem', examples: [EXAMPLE_SESSION_ITEM] });

export const sessionDto = z
  .object({
    id: z.string(),
    userId: z.string(),
    channel: z.string(),
    state: z.enum(ORDER_SESSION_STATES),
    items: z.array(sessionItemDto),
    shippingAddress: shippingAddressSchema.nullable(),
    paymentMethod: z.string().nullable(),
    currency: z.string().nullable(),
    subtotalCents: z.number().int(),
    submittedOrderIds: z.array(z.string()),
    allowedActions: z.array(z.string()).describe('What the session accepts next, from its state'),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: 'OrderSession', examples: [EXAMPLE_SESSION] });

export function presentSession(session: OrderSessionRecord): z.infer<typeof sessionDto> {
  return {
    id: session.id,
    userId: session.userId,
    channel: session.channel,
    state: session.state,
    items: session.items.map((item) => ({
      ...item,
      lineTotalCents: item.unitPriceCents * item.quantity,
    })),
    shippingAddress: session.shippingAddress,
    paymentMethod: session.paymentMethod,
    currency: session.currency,
    subtotalCents: sessionSubtotalCents(session.items),
    submittedOrderIds: session.submittedOrderIds,
    allowedActions: orderSessionMachine.allowedActions(session.state),
    version: session.version,
    createdAt: session.createdAt.toISOString(),
    updatedAt: session.updatedAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
  };
}

export const sessionIdParams = z.object({
  id: z
    .uuid()
    .describe('The session id')
    .meta({ examples: [EXAMPLE_IDS.session] }),
});
export const beginBody = z
  .object({
    channel: z
      .string()
      .min(1)
      .max(32)
      .regex(/^[a-z0-9_-]+$/)
      .optional(),
  })
  .strict()
  // Fastify hands a missing body to the validator as null.
  .nullish()
  .meta({ examples: [EXAMPLE_REQUESTS.beginSession] });
export const addItemBody = addItemInputSchema.meta({ examples: [EXAMPLE_REQUESTS.addSessionItem] });
export const shippingBody = z
  .object({ shippingAddress: shippingAddressSchema })
  .strict()
  .meta({ examples: [EXAMPLE_REQUESTS.setSessionShipping] });
export const paymentMethodBody = z
  .object({ paymentMethod: paymentMethodSchema })
  .strict()
  .meta({ examples: [EXAMPLE_REQUESTS.setSessionPaymentMethod] });
