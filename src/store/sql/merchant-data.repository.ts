import type { Kysely, Selectable } from 'kysely';
import type { MerchantDataRepository } from '../../app/checkout-sessions/ports.ts';
import type {
  Promotion,
  SavedAddress,
  ShippingRate,
} from '../../domain/checkout-session/merchant.ts';
import type { AgentCheckoutTables } from './agent-checkout.tables.ts';
import { toVariant } from './catalog.repository.ts';
import { isUuid } from './ids.ts';
import { findPricingSettings } from './settings.repository.ts';
import type { CouponsTable, Database } from './tables.ts';

type Db = Database & AgentCheckoutTables;

function toRate(row: Selectable<AgentCheckoutTables['shipping_rates']>): ShippingRate {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    countryCode: row.country_code,
    serviceLevel: row.service_level,
    priceCents: row.price_cents,
    title: row.title,
  };
}

function toPromotion(row: Selectable<AgentCheckoutTables['promotions']>): Promotion {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    type: row.type,
    minSubtotalCents: row.min_subtotal_cents,
    eligibleSkus: row.eligible_skus,
    description: row.description,
  };
}

function toAddress(row: Selectable<AgentCheckoutTables['buyer_addresses']>): SavedAddress {
  return { ...row.address, tenantId: row.tenant_id, id: row.id, buyerId: row.buyer_id };
}

/** A tenant's catalog as agent checkout sessions read it, and its shipping, promotions and buyers. */
export function createSqlMerchantDataRepository(base: Kysely<Database>): MerchantDataRepository {
  const db = base.withTables<AgentCheckoutTables>() as unknown as Kysely<Db>;
  return {
    async findVariantsBySku(tenantId, skus) {
      if (skus.length === 0) return [];
      const rows = await db
        .selectFrom('product_variants')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('sku', 'in', [...skus])
        .execute();
      return rows.map(toVariant);
    },

    async findVariantsById(tenantId, ids) {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      const rows = await db
        .selectFrom('product_variants')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', valid)
        .execute();
      return rows.map(toVariant);
    },

    pricingSettings: (tenantId) => findPricingSettings(base, tenantId),

    async findDiscountCodes(tenantId, codes) {
      if (codes.length === 0) return [];
      const rows = await db
        .selectFrom('coupons')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where(
          'code',
          'in',
          codes.map((c) => c.toUpperCase()),
        )
        .execute();
      return rows.map((row) => {
        const coupon = row as Selectable<CouponsTable> & { title: string | null };
        return {
          coupon: {
            tenantId: coupon.tenant_id,
            code: coupon.code,
            kind: coupon.kind,
            percentBp: coupon.percent_bp,
            amountCents: coupon.amount_cents,
            currency: coupon.currency,
            minSubtotalCents: coupon.min_subtotal_cents,
            startsAt: coupon.starts_at,
            expiresAt: coupon.expires_at,
            active: coupon.active,
          },
          title:
            coupon.title ??
            (coupon.kind === 'percent'
              ? `${(coupon.percent_bp ?? 0) / 100}% off`
              : `${coupon.code}`),
        };
      });
    },

    async listShippingRates(tenantId) {
      const rows = await db
        .selectFrom('shipping_rates')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('id')
        .execute();
      return rows.map(toRate);
    },

    async listPromotions(tenantId) {
      const rows = await db
        .selectFrom('promotions')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('id')
        .execute();
      return rows.map(toPromotion);
    },

    async findBuyerByEmail(tenantId, email) {
      const buyer = await db
        .selectFrom('buyers')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('email', '=', email.toLowerCase())
        .executeTakeFirst();
      if (!buyer) return null;
      const addresses = await db
        .selectFrom('buyer_addresses')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('buyer_id', '=', buyer.id)
        .orderBy('id')
        .execute();
      return {
        buyer: { tenantId, id: buyer.id, email: buyer.email, name: buyer.name },
        addresses: addresses.map(toAddress),
      };
    },

    async upsertShippingRate(rate, now) {
      const row = await db
        .insertInto('shipping_rates')
        .values({
          tenant_id: rate.tenantId,
          id: rate.id,
          country_code: rate.countryCode,
          service_level: rate.serviceLevel,
          price_cents: rate.priceCents,
          title: rate.title,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'id']).doUpdateSet((eb) => ({
            country_code: eb.ref('excluded.country_code'),
            service_level: eb.ref('excluded.service_level'),
            price_cents: eb.ref('excluded.price_cents'),
            title: eb.ref('excluded.title'),
            updated_at: now,
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRate(row);
    },

    async deleteShippingRate(tenantId, id) {
      const result = await db
        .deleteFrom('shipping_rates')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async upsertPromotion(promotion, now) {
      const row = await db
        .insertInto('promotions')
        .values({
          tenant_id: promotion.tenantId,
          id: promotion.id,
          type: promotion.type,
          min_subtotal_cents: promotion.minSubtotalCents,
          eligible_skus: JSON.stringify(promotion.eligibleSkus),
          description: promotion.description,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'id']).doUpdateSet((eb) => ({
            type: eb.ref('excluded.type'),
            min_subtotal_cents: eb.ref('excluded.min_subtotal_cents'),
            eligible_skus: eb.ref('excluded.eligible_skus'),
            description: eb.ref('excluded.description'),
            updated_at: now,
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toPromotion(row);
    },

    async deletePromotion(tenantId, id) {
      const result = await db
        .deleteFrom('promotions')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async upsertBuyer(buyer, now) {
      const email = buyer.email.toLowerCase();
      const other = await db
        .selectFrom('buyers')
        .select('id')
        .where('tenant_id', '=', buyer.tenantId)
        .where('email', '=', email)
        .where('id', '<>', buyer.id)
        .executeTakeFirst();
      if (other) return 'email_taken';
      const row = await db
        .insertInto('buyers')
        .values({
          tenant_id: buyer.tenantId,
          id: buyer.id,
          email,
          name: buyer.name,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'id']).doUpdateSet((eb) => ({
            email: eb.ref('excluded.email'),
            name: eb.ref('excluded.name'),
            updated_at: now,
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return { tenantId: row.tenant_id, id: row.id, email: row.email, name: row.name };
    },

    async listBuyers(tenantId) {
      const rows = await db
        .selectFrom('buyers')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({ tenantId: r.tenant_id, id: r.id, email: r.email, name: r.name }));
    },

    async deleteBuyer(tenantId, id) {
      const result = await db
        .deleteFrom('buyers')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async upsertAddress(address, now) {
      const buyer = await db
        .selectFrom('buyers')
        .select('id')
        .where('tenant_id', '=', address.tenantId)
        .where('id', '=', address.buyerId)
        .executeTakeFirst();
      if (!buyer) return null;
      const { tenantId, id, buyerId, ...postal } = address;
      const row = await db
        .insertInto('buyer_addresses')
        .values({
          tenant_id: tenantId,
          id,
          buyer_id: buyerId,
          address: JSON.stringify(postal),
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'id']).doUpdateSet((eb) => ({
            buyer_id: eb.ref('excluded.buyer_id'),
            address: eb.ref('excluded.address'),
            updated_at: now,
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toAddress(row);
    },

    async listAddresses(tenantId, buyerId) {
      const rows = await db
        .selectFrom('buyer_addresses')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('buyer_id', '=', buyerId)
        .orderBy('id')
        .execute();
      return rows.map(toAddress);
    },

    async deleteAddress(tenantId, buyerId, id) {
      const result = await db
        .deleteFrom('buyer_addresses')
        .where('tenant_id', '=', tenantId)
        .where('buyer_id', '=', buyerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
