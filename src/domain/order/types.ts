import type { ShippingAddress } from '../order-session/types.ts';
import type { Adjustment, Totals } from '../pricing/totals.ts';
import type { OrderStatus } from './status.ts';

/** An immutable snapshot of a line as it was bought. */
export interface OrderItem {
  variantId: string;
  sku: string;
  name: string;
  unitPriceCents: number;
  quantity: number;
  lineTotalCents: number;
}

/** Who bought, as they were at the time. */
export interface CustomerSnapshot {
  userId: string;
  email: string | null;
  name: string | null;
}

export type OrderSource = 'brand' | 'seller';

export interface Order {
  id: string;
  tenantId: string;
  orderNumber: string;
  /** Orders placed together share it: one checkout splits into one order per seller. */
  checkoutId: string;
  userId: string;
  /** null: the house brand's own order. */
  sellerId: string | null;
  orderSource: OrderSource;
  status: OrderStatus;
  currency: string;
  items: OrderItem[];
  adjustments: Adjustment[];
  totals: Totals;
  shippingAddress: ShippingAddress;
  customer: CustomerSnapshot;
  paymentMethod: string | null;
  couponCode: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
