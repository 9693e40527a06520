import { z } from 'zod';
import type { CheckoutResult } from '../app/checkout/place-order.ts';
import { ORDER_STATUSES } from '../domain/order/status.ts';
import type { Order } from '../domain/order/types.ts';
import { shippingAddressSchema } from '../domain/order-session/inputs.ts';
import { EXAMPLE_CHECKOUT, EXAMPLE_ORDER } from './openapi-examples.ts';
import { paymentDto, presentPayment } from './payments.routes.ts';

const cents = z.number().int();

export const orderDto = z
  .object({
    id: z.string(),
    orderNumber: z.string(),
    checkoutId: z.string(),
    userId: z.string(),
    sellerId: z.string().nullable(),
    orderSource: z.enum(['brand', 'seller']),
    status: z.enum(ORDER_STATUSES),
    currency: z.string(),
    items: z.array(
      z.object({
        variantId: z.string(),
        sku: z.string(),
        name: z.string(),
        unitPriceCents: cents,
        quantity: z.number().int(),
        lineTotalCents: cents,
      }),
    ),
    adjustments: z.array(
      z.object({
        kind: z.enum(['discount', 'shipping', 'tax', 'fee']),
        label: z.string(),
        amountCents: cents.describe('negative for a discount'),
        sourceType: z.string(),
        sourceId: z.string().nullable(),
      }),
    ),
    totals: z.object({
      subtotalCents: cents,
      discountCents: cents,
      shippingCents: cents,
      taxCents: cents,
      feeCents: cents,
      adjustmentsTotalCents: cents,
      totalCents: cents,
    }),
    shippingAddress: shippingAddressSchema,
    customer: z.object({
      userId: z.string(),
      email: z.string().nullable(),
      name: z.string().nullable(),
    }),
    paymentMethod: z.string().nullable(),
    couponCode: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Order', examples: [EXAMPLE_ORDER] });

export function presentOrder(order: Order): z.infer<typeof orderDto> {
  const { tenantId: _tenant, ...rest } = order;
  return {
    ...rest,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

export const checkoutDto = z
  .object({
    checkoutId: z.string(),
    orders: z.array(orderDto),
    payments: z.array(paymentDto).describe("Each order's newest payment: where the buyer pays"),
  })
  .meta({ id: 'Checkout', examples: [EXAMPLE_CHECKOUT] });

export function presentCheckout(checkout: CheckoutResult): z.infer<typeof checkoutDto> {
  return {
    checkoutId: checkout.checkoutId,
    orders: checkout.orders.map(presentOrder),
    payments: checkout.payments.map(presentPayment),
  };
}
