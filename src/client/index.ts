/**
 * `ordersession/client`: what another program needs to call ordersession. The typed client
 * of the HTTP API, the API's types, the request-signing client of other services, and the
 * signatures of service calls and payment webhooks.
 */
export { signServiceRequest } from '../app/service-signature.ts';
export { signWebhook, verifyWebhook } from '../app/webhook-signature.ts';
export type { components, operations, paths } from './schema.ts';
export { createServiceClient } from './service-client.ts';
export {
  createOrdersessionClient,
  type OrdersessionClient,
  type OrdersessionClientOptions,
  type Role,
} from './typed-client.ts';
