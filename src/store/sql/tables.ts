import type { ColumnType, Generated } from 'kysely';
import type { OrderSessionState } from '../../domain/order-session/machine.ts';
import type { OrderSessionItem, ShippingAddress } from '../../domain/order-session/types.ts';

/** jsonb columns: read as the parsed value, written as JSON text. */
type Json<T> = ColumnType<T, string, string>;

export interface TenantsTable {
  id: string;
  name: string;
  settings: Json<Record<string, unknown>>;
  created_at: Date;
}

export interface ProductVariantsTable {
  tenant_id: string;
  id: string;
  sku: string;
  name: string;
  price_cents: number;
  currency: string;
  seller_id: string | null;
  on_hand: number;
  reserved: number;
  created_at: Date;
  updated_at: Date;
}

export interface OrderSessionsTable {
  tenant_id: string;
  id: string;
  user_id: string;
  channel: string;
  state: OrderSessionState;
  items: Json<OrderSessionItem[]>;
  shipping_address: Json<ShippingAddress | null>;
  payment_method: string | null;
  currency: string | null;
  submitted_order_ids: Json<string[]>;
  version: Generated<number>;
  created_at: Date;
  updated_at: Date;
  expires_at: Date;
}

export interface Database {
  tenants: TenantsTable;
  product_variants: ProductVariantsTable;
  order_sessions: OrderSessionsTable;
}
