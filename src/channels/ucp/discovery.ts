import { UCP_VERSION } from './version.ts';

const SPEC = `https://ucp.dev/${UCP_VERSION}/specification`;
const SCHEMAS = `https://ucp.dev/${UCP_VERSION}/schemas/shopping`;

export interface DiscoveryOptions {
  /** Absolute URL where the REST binding is served (our public base URL). */
  endpoint: string;
  /** The id of the sandbox payment handler (UCP_PAYMENT_HANDLER_ID). */
  paymentHandlerId: string;
}

function capability(spec: string, schema: string, extendsName?: string) {
  return [
    {
      version: UCP_VERSION,
      spec: `${SPEC}/${spec}/`,
      schema: `${SCHEMAS}/${schema}.json`,
      ...(extendsName ? { extends: extendsName } : {}),
    },
  ];
}

/**
 * The business profile served at `/.well-known/ucp`: one REST service, the capabilities we
 * implement (discount, fulfillment and buyer consent extend checkout), and our payment handlers.
 */
export function businessProfile(options: DiscoveryOptions) {
  const checkout = 'dev.ucp.shopping.checkout';
  return {
    ucp: {
      version: UCP_VERSION,
      services: {
        'dev.ucp.shopping': [
          {
            version: UCP_VERSION,
            spec: `${SPEC}/overview/`,
            transport: 'rest',
            endpoint: options.endpoint,
            schema: `https://ucp.dev/${UCP_VERSION}/services/shopping/rest.openapi.json`,
          },
        ],
      },
      capabilities: {
        [checkout]: capability('checkout', 'checkout'),
        'dev.ucp.shopping.order': capability('order', 'order'),
        'dev.ucp.shopping.discount': capability('discount', 'discount', checkout),
        'dev.ucp.shopping.fulfillment': capability('fulfillment', 'fulfillment', checkout),
        'dev.ucp.shopping.buyer_consent': capability('buyer-consent', 'buyer_consent', checkout),
        'dev.ucp.shopping.catalog.search': capability('catalog', 'catalog_search'),
        'dev.ucp.shopping.catalog.lookup': capability('catalog', 'catalog_lookup'),
      },
      payment_handlers: paymentHandlers(options.paymentHandlerId),
    },
  };
}

/**
 * The handlers a checkout accepts instruments for. The sandbox handler takes test tokens
 * (`success_token` pays, `fail_token` is declined, `fraud_token` refused) and test cards.
 */
export function paymentHandlers(sandboxHandlerId: string) {
  return {
    'dev.ucp.sandbox.payment_handler': [
      {
        id: sandboxHandlerId,
        version: UCP_VERSION,
        spec: 'https://github.com/ordersession/ordersession#ai-agents-ucp',
        config: { environment: 'sandbox' },
        available_instruments: [{ type: 'card' }],
      },
    ],
  };
}
