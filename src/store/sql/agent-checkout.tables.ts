import type { ColumnType } from 'kysely';
import type { PostalAddress } from '../../domain/checkout-session/types.ts';

/** jsonb columns: read as the parsed value, written as JSON text. */
type Json<T> = ColumnType<T, string, string>;

/** Row types of migration 0009 (agent checkout sessions and their merchant data). */
export type AgentCheckoutTables = {
  checkout_sessions: {
    tenant_id: string;
    id: string;
    owner_id: string;
    status: string;
    document: Json<Record<string, unknown>>;
    version: number;
    created_at: Date;
    updated_at: Date;
    expires_at: Date;
  };
  shipping_rates: {
    tenant_id: string;
    id: string;
    country_code: string;
    service_level: string;
    price_cents: number;
    title: string;
    created_at: Date;
    updated_at: Date;
  };
  promotions: {
    tenant_id: string;
    id: string;
    type: 'free_shipping';
    min_subtotal_cents: number | null;
    eligible_skus: Json<string[]>;
    description: string;
    created_at: Date;
    updated_at: Date;
  };
  buyers: {
    tenant_id: string;
    id: string;
    email: string;
    name: string;
    created_at: Date;
    updated_at: Date;
  };
  buyer_addresses: {
    tenant_id: string;
    id: string;
    buyer_id: string;
    address: Json<PostalAddress>;
    created_at: Date;
    updated_at: Date;
  };
  /** 0009 adds a title to the coupons of 0002. */
  coupons: { title: ColumnType<string | null, string | null | undefined, string | null> };
};
