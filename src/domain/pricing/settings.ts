import type { RoundingMode } from './rounding.ts';

/** A tenant's pricing rules; any it does not set take these defaults. */
export interface PricingSettings {
  /** Tax on the discounted merchandise subtotal, in basis points (800 = 8%). */
  taxRateBp: number;
  /** A service fee on the discounted merchandise subtotal, in basis points (50 = 0.5%). */
  feeRateBp: number;
  roundingMode: RoundingMode;
  /** Shipping charged per order at placement; an admin may change it before payment. */
  shippingFlatCents: number;
}

export const DEFAULT_PRICING: PricingSettings = {
  taxRateBp: 800,
  feeRateBp: 50,
  roundingMode: 'half_up',
  shippingFlatCents: 0,
};
