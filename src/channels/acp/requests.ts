import { z } from 'zod';

/**
 * ACP requests as read at the edge. Loose objects: agents send fields of extensions we do not
 * implement (affiliate attribution, risk signals, intent traces…), and those are tolerated;
 * only the fields we use are checked.
 */
const str = (max: number) => z.string().max(max).optional();

export const acpAddress = z.looseObject({
  name: str(200),
  line_one: z.string().min(1).max(200),
  line_two: str(200),
  city: z.string().min(1).max(100),
  state: str(100),
  country: z.string().length(2),
  postal_code: z.string().min(1).max(20),
});
export type AcpAddress = z.infer<typeof acpAddress>;

/**
 * A line as an agent sends it. The schema's create request lists `Item`s, which have no
 * quantity, while the OpenAPI examples send `{id, quantity}` under `items`: both are read, and
 * a missing quantity is 1 (see the README).
 */
const acpItem = z.looseObject({
  id: z.string().min(1).max(100),
  quantity: z.number().int().min(1).max(1_000_000).optional(),
});

export const acpBuyer = z.looseObject({
  email: z.email().max(254),
  first_name: str(100),
  last_name: str(100),
  full_name: str(200),
  phone_number: str(40),
});

const fulfillmentDetails = z.looseObject({
  name: str(200),
  phone_number: str(40),
  email: z.email().max(254).optional(),
  address: acpAddress.optional(),
});

const discounts = z.looseObject({ codes: z.array(z.string().max(64)).max(10).optional() });

export const createRequest = z.looseObject({
  line_items: z.array(acpItem).min(1).max(50).optional(),
  items: z.array(acpItem).min(1).max(50).optional(),
  currency: z.string().length(3).optional(),
  buyer: acpBuyer.optional(),
  fulfillment_details: fulfillmentDetails.optional(),
  coupons: z.array(z.string().max(64)).max(10).optional(),
  discounts: discounts.optional(),
});
export type CreateRequest = z.infer<typeof createRequest>;

export const updateRequest = z.looseObject({
  line_items: z.array(acpItem).max(50).optional(),
  items: z.array(acpItem).max(50).optional(),
  buyer: acpBuyer.optional(),
  fulfillment_details: fulfillmentDetails.optional(),
  selected_fulfillment_options: z
    .array(
      z.looseObject({
        type: z.enum(['shipping', 'digital', 'pickup', 'local_delivery']),
        option_id: z.string().min(1).max(100),
        item_ids: z.array(z.string().max(100)).max(50).optional(),
      }),
    )
    .max(5)
    .optional(),
  coupons: z.array(z.string().max(64)).max(10).optional(),
  discounts: discounts.optional(),
});
export type UpdateRequest = z.infer<typeof updateRequest>;

export const completeRequest = z.looseObject({
  buyer: acpBuyer.optional(),
  payment_data: z.looseObject({
    handler_id: z.string().min(1).max(100),
    instrument: z.looseObject({
      type: z.string().min(1).max(50),
      credential: z.looseObject({
        type: z.string().min(1).max(50),
        token: z.string().min(1).max(500),
      }),
    }),
    billing_address: acpAddress.optional(),
  }),
});
export type CompleteRequest = z.infer<typeof completeRequest>;
