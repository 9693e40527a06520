import { z } from 'zod';

/**
 * The UCP requests as read at the edge. Loose objects throughout: platforms echo response-only
 * fields (totals, options, ids, `ucp`, `status`…) and send extensions we do not know, and the
 * protocol wants those tolerated; only the fields we use are checked.
 */
export const searchRequest = z.looseObject({
  query: z.string().max(500).optional(),
  pagination: z
    .looseObject({
      cursor: z.string().max(100).optional(),
      limit: z.number().int().min(1).max(100).optional(),
    })
    .optional(),
});

export const lookupRequest = z.looseObject({
  ids: z.array(z.string().min(1).max(200)).min(1).max(100),
});

const str = (max: number) => z.string().max(max).optional();

export const wireAddress = z.looseObject({
  id: str(100),
  street_address: str(200),
  extended_address: str(200),
  address_locality: str(100),
  /** Not in the spec, but sent by platforms (and the conformance suite) for address_locality. */
  locality: str(100),
  address_region: str(100),
  region: str(100),
  postal_code: str(20),
  address_country: str(2),
  first_name: str(100),
  last_name: str(100),
  full_name: str(200),
  phone_number: str(40),
});
export type WireAddress = z.infer<typeof wireAddress>;

const wireLineItem = z.looseObject({
  id: str(100),
  item: z.looseObject({ id: z.string().min(1).max(100) }),
  quantity: z.number().int().min(1),
});

const wireBuyer = z.looseObject({
  email: str(254),
  first_name: str(100),
  last_name: str(100),
  full_name: str(200),
  fullName: str(200),
  name: str(200),
  phone_number: str(40),
  consent: z
    .looseObject({
      marketing: z.boolean().optional(),
      analytics: z.boolean().optional(),
      sale_of_data: z.boolean().optional(),
    })
    .optional(),
});

const wireMethod = z.looseObject({
  id: str(100),
  type: z.enum(['shipping']).optional(),
  destinations: z.array(wireAddress).max(20).optional(),
  selected_destination_id: z.string().max(100).nullable().optional(),
  groups: z
    .array(
      z.looseObject({
        id: str(100),
        selected_option_id: z.string().max(100).nullable().optional(),
      }),
    )
    .max(20)
    .optional(),
});

export const wireInstrument = z.looseObject({
  id: z.string().min(1).max(100),
  handler_id: z.string().min(1).max(100),
  type: z.string().min(1).max(50),
  display: z.record(z.string(), z.unknown()).optional(),
  credential: z.record(z.string(), z.unknown()).optional(),
  billing_address: wireAddress.optional(),
});
export type WireInstrument = z.infer<typeof wireInstrument>;

export const checkoutRequest = z.looseObject({
  line_items: z.array(wireLineItem).max(50).optional(),
  buyer: wireBuyer.nullable().optional(),
  fulfillment: z
    .looseObject({ methods: z.array(wireMethod).max(5).optional() })
    .nullable()
    .optional(),
  payment: z
    .looseObject({ instruments: z.array(wireInstrument).max(10).optional() })
    .nullable()
    .optional(),
  discounts: z
    .looseObject({ codes: z.array(z.string().max(64)).max(10).optional() })
    .nullable()
    .optional(),
});
export type CheckoutRequest = z.infer<typeof checkoutRequest>;

export const completeRequest = z.looseObject({
  payment: z.looseObject({ instruments: z.array(wireInstrument).min(1).max(10) }),
});
export type CompleteRequest = z.infer<typeof completeRequest>;

const lineRef = z.looseObject({ id: z.string().min(1), quantity: z.number().int().min(0) });
const isoTime = z.string().refine((t) => !Number.isNaN(Date.parse(t)), 'an RFC 3339 date-time');

/** An order update (PUT): the platform's fulfillment and adjustments, checked, unknown fields kept. */
export const orderUpdateRequest = z.looseObject({
  fulfillment: z
    .looseObject({
      expectations: z
        .array(
          z.looseObject({
            id: z.string().min(1),
            line_items: z.array(lineRef),
            method_type: z.enum(['shipping', 'pickup', 'digital']),
            destination: z.looseObject({}),
          }),
        )
        .max(50)
        .optional(),
      events: z
        .array(
          z.looseObject({
            id: z.string().min(1),
            occurred_at: isoTime,
            type: z.string().min(1),
            line_items: z.array(lineRef),
            tracking_url: z.url().optional(),
          }),
        )
        .max(200)
        .optional(),
    })
    .optional(),
  adjustments: z
    .array(
      z.looseObject({
        id: z.string().min(1),
        type: z.string().min(1),
        occurred_at: isoTime,
        status: z.enum(['pending', 'completed', 'failed']),
      }),
    )
    .max(200)
    .optional(),
});
