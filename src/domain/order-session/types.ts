import type { OrderSessionState } from './machine.ts';

export interface OrderSessionItem {
  /** The catalog variant id. */
  productId: string;
  name: string;
  sku: string;
  quantity: number;
  unitPriceCents: number;
  currency: string;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string | undefined;
  city: string;
  region?: string | undefined;
  postalCode: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  phone?: string | undefined;
}

export interface OrderSessionRecord {
  id: string;
  tenantId: string;
  userId: string;
  /** Where the session was started: `discord`, `web`, `api`, an agent's name… */
  channel: string;
  /** Where inside the channel (a Discord guild); null when it has no such place (a DM). */
  channelScope?: string | null;
  state: OrderSessionState;
  items: OrderSessionItem[];
  shippingAddress: ShippingAddress | null;
  paymentMethod: string | null;
  /** Set by the first item; every later item must match it. */
  currency: string | null;
  /** Orders placed from this session once it is SUBMITTED. */
  submittedOrderIds: string[];
  /** Bumped by every write; updates are conditional on it. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
}

export type OrderSessionCreateInput = Omit<OrderSessionRecord, 'version'>;

export type OrderSessionPatchInput = Partial<
  Pick<
    OrderSessionRecord,
    'state' | 'items' | 'shippingAddress' | 'paymentMethod' | 'currency' | 'submittedOrderIds'
  >
> &
  Pick<OrderSessionRecord, 'updatedAt' | 'expiresAt'>;
