import { z } from 'zod';
import { MAX_AMOUNT_CENTS } from '../money.ts';
import { ORDER_STATUSES } from './status.ts';

const reason = z.string().trim().min(1).max(500);

/** Restock on refund: everything, nothing, or chosen quantities of chosen lines. */
export const restockSchema = z.union([
  z.boolean(),
  z
    .array(
      z
        .object({ variantId: z.uuid(), quantity: z.number().int().positive().max(1_000_000) })
        .strict(),
    )
    .min(1)
    .max(100),
]);
export type Restock = z.infer<typeof restockSchema>;

export const changeStatusInputSchema = z
  .object({
    newStatus: z.enum(ORDER_STATUSES),
    reason: reason.optional(),
    restock: restockSchema
      .optional()
      .describe('Only with newStatus refunded: put stock back on hand'),
  })
  .strict();
export type ChangeStatusInput = z.infer<typeof changeStatusInputSchema>;

export const shippingCostInputSchema = z
  .object({ shippingCostCents: z.number().int().min(0).max(MAX_AMOUNT_CENTS) })
  .strict();

export const reasonInputSchema = z.object({ reason: reason.optional() }).strict();
