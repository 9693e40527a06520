import type { PostalAddress, ShippingOption } from './types.ts';

/** A tenant's shipping price for one service level to one country (or to any: `default`). */
export interface ShippingRate {
  tenantId: string;
  id: string;
  /** ISO 3166-1 alpha-2, or `default` for every country without a rate of its own. */
  countryCode: string;
  serviceLevel: string;
  priceCents: number;
  title: string;
}

/**
 * Free shipping on the standard service level, when the merchandise subtotal is at least
 * `minSubtotalCents` or the cart holds one of `eligibleSkus` (either condition, when both are set).
 */
export interface Promotion {
  tenantId: string;
  id: string;
  type: 'free_shipping';
  minSubtotalCents: number | null;
  eligibleSkus: string[];
  description: string;
}

/** A known buyer of a tenant, found by e-mail (lower case). */
export interface KnownBuyer {
  tenantId: string;
  id: string;
  email: string;
  name: string;
}

export interface SavedAddress extends PostalAddress {
  tenantId: string;
  id: string;
  buyerId: string;
}

export const STANDARD_SERVICE_LEVEL = 'standard';

/**
 * The options offered for a destination country: per service level, the country's own rate if
 * the tenant has one, else its default rate; cheapest first. A free-shipping promotion that
 * applies makes the standard option cost 0 and says so in its title.
 */
export function shippingOptionsFor(input: {
  country: string;
  rates: readonly ShippingRate[];
  promotions: readonly Promotion[];
  subtotalCents: number;
  skus: readonly string[];
}): ShippingOption[] {
  const country = input.country.toUpperCase();
  const byLevel = new Map<string, ShippingRate>();
  for (const rate of input.rates) {
    const code = rate.countryCode.toUpperCase();
    if (code !== country && code !== 'DEFAULT') continue;
    const current = byLevel.get(rate.serviceLevel);
    const specific = code === country;
    const currentSpecific = current?.countryCode.toUpperCase() === country;
    if (!current || (specific && !currentSpecific)) byLevel.set(rate.serviceLevel, rate);
  }
  const free = input.promotions.find((promotion) => promotionApplies(promotion, input));
  return [...byLevel.values()]
    .map((rate): ShippingOption => {
      if (free && rate.serviceLevel === STANDARD_SERVICE_LEVEL) {
        return {
          id: rate.id,
          title: `Free ${rate.title}`,
          serviceLevel: rate.serviceLevel,
          amountCents: 0,
          listAmountCents: rate.priceCents,
          promotionId: free.id,
        };
      }
      return {
        id: rate.id,
        title: rate.title,
        serviceLevel: rate.serviceLevel,
        amountCents: rate.priceCents,
        listAmountCents: rate.priceCents,
      };
    })
    .sort((a, b) => a.amountCents - b.amountCents || (a.id < b.id ? -1 : 1));
}

export function promotionApplies(
  promotion: Promotion,
  cart: { subtotalCents: number; skus: readonly string[] },
): boolean {
  if (promotion.type !== 'free_shipping') return false;
  if (promotion.minSubtotalCents !== null && cart.subtotalCents >= promotion.minSubtotalCents)
    return true;
  return promotion.eligibleSkus.some((sku) => cart.skus.includes(sku));
}

function norm(value: string | undefined): string {
  return (value ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Two addresses are the same place when street, city, region, postal code and country match (case and spacing aside). */
export function sameAddress(a: PostalAddress, b: PostalAddress): boolean {
  return (
    norm(a.streetAddress) === norm(b.streetAddress) &&
    norm(a.extendedAddress) === norm(b.extendedAddress) &&
    norm(a.locality) === norm(b.locality) &&
    norm(a.region) === norm(b.region) &&
    norm(a.postalCode) === norm(b.postalCode) &&
    norm(a.country) === norm(b.country)
  );
}
