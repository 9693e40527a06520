/** `ordersession/client`: what another service imports to call ordersession. */
export { createServiceClient, signServiceRequest, signWebhook, verifyWebhook } from '../client.ts';
