import { z } from 'zod';
import { paymentMethodSchema, shippingAddressSchema } from '../domain/order-session/inputs.ts';
import { pricingSettingsSchema } from '../domain/pricing/inputs.ts';
import { EXAMPLE_ADDRESS, EXAMPLE_PRICING_SETTINGS } from './openapi-examples.ts';

/**
 * The domain's own input schemas that the API document names as components. They are
 * registered here, not where they are defined, so that the domain knows nothing of the
 * document; the HTTP layer's schemas name themselves with `.meta({ id })` where they are made.
 */
z.globalRegistry.add(shippingAddressSchema, {
  id: 'ShippingAddress',
  description: 'Where an order goes; copied into the order, never changed after',
  examples: [EXAMPLE_ADDRESS],
});
export const PAYMENT_METHOD_DESCRIPTION =
  'One of the payment methods of the configured providers (PAYMENT_METHODS)';
z.globalRegistry.add(paymentMethodSchema, {
  id: 'PaymentMethod',
  description: PAYMENT_METHOD_DESCRIPTION,
  examples: ['sandbox'],
});
z.globalRegistry.add(pricingSettingsSchema, {
  id: 'PricingSettings',
  examples: [EXAMPLE_PRICING_SETTINGS],
});
