import type { ColumnType, Generated } from 'kysely';
import type { OrderStatus } from '../../domain/order/status.ts';
import type { CustomerSnapshot, OrderSource } from '../../domain/order/types.ts';
import type { OrderSessionState } from '../../domain/order-session/machine.ts';
import type { OrderSessionItem, ShippingAddress } from '../../domain/order-session/types.ts';
import type {
  PaymentMetadata,
  PaymentSessionStatus,
  PaymentStatus,
} from '../../domain/payment/types.ts';
import type { AdjustmentKind } from '../../domain/pricing/totals.ts';

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
  /** Set by the insert trigger when left out (a product of its own); see 0012_catalog. */
  product_id: Generated<string>;
  options: ColumnType<Record<string, string>, string | undefined, string>;
  status: ColumnType<
    'active' | 'archived',
    'active' | 'archived' | undefined,
    'active' | 'archived'
  >;
  created_at: Date;
  updated_at: Date;
}

export interface ProductsTable {
  tenant_id: string;
  id: string;
  title: string;
  description: string;
  images: ColumnType<string[], string, string>;
  category: string | null;
  option_names: ColumnType<string[], string, string>;
  status: 'active' | 'archived';
  /** Generated from title, category and description; never written. */
  search_doc: ColumnType<string, never, never>;
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
  /** Added by 0011_discord: a Discord guild, say. */
  channel_scope: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface OrdersTable {
  tenant_id: string;
  id: string;
  order_number: string;
  checkout_id: string;
  user_id: string;
  seller_id: string | null;
  order_source: OrderSource;
  status: OrderStatus;
  currency: string;
  subtotal_cents: number;
  adjustments_total_cents: number;
  total_cents: number;
  shipping_address: Json<ShippingAddress>;
  customer: Json<CustomerSnapshot>;
  payment_method: string | null;
  coupon_code: string | null;
  version: Generated<number>;
  created_at: Date;
  updated_at: Date;
}

export interface OrderItemsTable {
  tenant_id: string;
  order_id: string;
  line_no: number;
  variant_id: string;
  sku: string;
  name: string;
  unit_price_cents: number;
  quantity: number;
  line_total_cents: number;
}

export interface OrderAdjustmentsTable {
  tenant_id: string;
  order_id: string;
  line_no: number;
  kind: AdjustmentKind;
  label: string;
  amount_cents: number;
  source_type: string;
  source_id: string | null;
}

export interface StockReservationsTable {
  tenant_id: string;
  order_id: string;
  variant_id: string;
  quantity: number;
  status: 'held' | 'committed' | 'released';
  created_at: Date;
  updated_at: Date;
}

export interface OutboxTable {
  tenant_id: string;
  id: string;
  position: Generated<number>;
  aggregate_type: string;
  aggregate_id: string;
  type: string;
  payload: Json<Record<string, unknown>>;
  created_at: Date;
  published_at: Date | null;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: Date | null;
  parked_at: Date | null;
}

export interface IdempotencyKeysTable {
  tenant_id: string;
  user_id: string;
  key: string;
  request_hash: string;
  result: ColumnType<unknown, string | null, string | null>;
  created_at: Date;
  expires_at: Date;
}

export interface CouponsTable {
  tenant_id: string;
  code: string;
  kind: 'percent' | 'fixed';
  percent_bp: number | null;
  amount_cents: number | null;
  currency: string | null;
  min_subtotal_cents: number;
  starts_at: Date | null;
  expires_at: Date | null;
  active: boolean;
  created_at: Date;
}

export interface PaymentSessionsTable {
  tenant_id: string;
  id: string;
  order_id: string;
  status: PaymentSessionStatus;
  duration_minutes: number;
  started_at: Date;
  expires_at: Date;
  payment_attempts: number;
  max_payment_attempts: number;
  last_payment_attempt_at: Date | null;
  expiring_notified_at: Date | null;
  metadata: Json<PaymentMetadata>;
  version: Generated<number>;
  created_at: Date;
  updated_at: Date;
}

export interface PaymentsTable {
  tenant_id: string;
  id: string;
  order_id: string;
  payment_session_id: string;
  attempt: number;
  provider: string;
  provider_payment_id: string | null;
  status: PaymentStatus;
  amount_cents: number;
  currency: string;
  payment_url: string | null;
  failure_reason: string | null;
  late: Generated<boolean>;
  requires_refund: Generated<boolean>;
  created_at: Date;
  updated_at: Date;
}

export interface PaymentEventsTable {
  tenant_id: string;
  provider: string;
  event_id: string;
  type: string;
  received_at: Date;
}

export interface OrderStatusHistoryTable {
  tenant_id: string;
  order_id: string;
  id: string;
  from_status: OrderStatus | null;
  to_status: OrderStatus;
  actor_type: string;
  actor_id: string;
  reason: string | null;
  at: Date;
}

export interface Database {
  tenants: TenantsTable;
  product_variants: ProductVariantsTable;
  products: ProductsTable;
  order_sessions: OrderSessionsTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  order_adjustments: OrderAdjustmentsTable;
  stock_reservations: StockReservationsTable;
  outbox: OutboxTable;
  idempotency_keys: IdempotencyKeysTable;
  coupons: CouponsTable;
  payment_sessions: PaymentSessionsTable;
  payments: PaymentsTable;
  payment_events: PaymentEventsTable;
  order_status_history: OrderStatusHistoryTable;
  request_idempotency: RequestIdempotencyTable;
  service_nonces: ServiceNoncesTable;
  discord_guilds: DiscordGuildsTable;
  discord_deliveries: DiscordDeliveriesTable;
  agent_api_keys: AgentApiKeysTable;
  agent_settings: AgentSettingsTable;
  agent_idempotency: AgentIdempotencyTable;
  ucp_orders: UcpOrdersTable;
}

export interface RequestIdempotencyTable {
  tenant_id: string;
  scope: string;
  idempotency_key: string;
  request_hash: string;
  claim_token: string;
  response_status: number | null;
  response_headers: ColumnType<Record<string, string> | null, string | null, string | null>;
  response_body: string | null;
  claimed_at: Date;
  expires_at: Date;
}

/** Nonces of signed service calls, kept until their signature would be stale anyway. */
export interface ServiceNoncesTable {
  nonce: string;
  service_name: string;
  expires_at: Date;
}

/** 0011_discord: which tenant a Discord guild orders from. */
export interface DiscordGuildsTable {
  guild_id: string;
  tenant_id: string;
  linked_at: Date;
}

/** 0011_discord: outbox events already DMed to their buyer. */
export interface DiscordDeliveriesTable {
  tenant_id: string;
  event_id: string;
  delivered_at: Date;
}

export interface AgentApiKeysTable {
  tenant_id: string;
  id: string;
  key_hash: string;
  label: string;
  created_at: Date;
  revoked_at: Date | null;
}

export interface AgentSettingsTable {
  tenant_id: string;
  allow_anonymous: boolean;
  updated_at: Date;
}

export interface AgentIdempotencyTable {
  tenant_id: string;
  key: string;
  operation: string;
  request_hash: string;
  /** null while the first request is still running. */
  status_code: number | null;
  body: string | null;
  created_at: Date;
  expires_at: Date;
}

export interface UcpOrdersTable {
  tenant_id: string;
  order_id: string;
  checkout_id: string;
  webhook_url: string | null;
  document: Json<Record<string, unknown>>;
  version: Generated<number>;
  created_at: Date;
  updated_at: Date;
}
