import type {
  CompleteCheckoutSessionInput,
  UpdateCheckoutSessionInput,
} from '../../domain/checkout-session/inputs.ts';
import type {
  CheckoutMessage,
  CheckoutSession,
  CheckoutSessionStatus,
  PostalAddress,
} from '../../domain/checkout-session/types.ts';
import type { AcpAddress, CompleteRequest, CreateRequest, UpdateRequest } from './requests.ts';
import { ACP_VERSION } from './version.ts';

/* ---------- requests: ACP wire → our inputs ---------- */

function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== ''),
  ) as T;
}

export function fromAcpAddress(address: AcpAddress, phone?: string): PostalAddress {
  const [first, ...rest] = (address.name ?? '').trim().split(/\s+/);
  return defined({
    streetAddress: address.line_one,
    extendedAddress: address.line_two,
    locality: address.city,
    region: address.state,
    postalCode: address.postal_code,
    country: address.country.toUpperCase(),
    firstName: first || undefined,
    lastName: rest.length > 0 ? rest.join(' ') : undefined,
    phoneNumber: phone,
  }) as PostalAddress;
}

/** The id our destination gets when an agent gives its address (ACP has one address). */
const DESTINATION_ID = 'dest_1';

function lines(request: CreateRequest | UpdateRequest) {
  const items = request.line_items ?? request.items;
  return items?.map((item) => ({ sku: item.id, quantity: item.quantity ?? 1 }));
}

function buyerOf(
  request: CreateRequest | UpdateRequest,
  current: CheckoutSession | null,
): UpdateCheckoutSessionInput['buyer'] | undefined {
  const buyer = request.buyer;
  if (buyer) {
    return defined({
      email: buyer.email,
      firstName: buyer.first_name,
      lastName: buyer.last_name,
      fullName: buyer.full_name,
      phoneNumber: buyer.phone_number,
    });
  }
  // ACP's fulfillment contact carries an e-mail: it is the buyer's until the agent names one.
  const details = request.fulfillment_details;
  if (details?.email && !current?.buyer?.email) {
    return defined({
      email: details.email,
      fullName: details.name,
      phoneNumber: details.phone_number,
    });
  }
  return undefined;
}

/**
 * ACP's address and chosen option as our one shipping method: the agent's address is the
 * selected destination; the option chosen is the method's group's.
 */
function fulfillmentOf(
  request: CreateRequest | UpdateRequest,
  current: CheckoutSession | null,
): UpdateCheckoutSessionInput['fulfillment'] | undefined {
  const address = request.fulfillment_details?.address;
  const chosen = (request as UpdateRequest).selected_fulfillment_options?.find(
    (o) => o.type === 'shipping',
  );
  if (!address && !chosen) return undefined;
  const method = current?.fulfillment.methods[0];
  const kept = method?.destinations.find((d) => d.id === method.selectedDestinationId);
  const destination = address
    ? { ...fromAcpAddress(address, request.fulfillment_details?.phone_number), id: DESTINATION_ID }
    : kept;
  const group = method?.groups[0];
  return {
    methods: [
      defined({
        id: method?.id,
        type: 'shipping' as const,
        destinations: destination ? [destination] : [],
        selectedDestinationId: destination?.id,
        groups: [
          defined({
            id: group?.id,
            selectedOptionId: chosen?.option_id ?? group?.selectedOptionId ?? undefined,
          }),
        ],
      }),
    ],
  } as NonNullable<UpdateCheckoutSessionInput['fulfillment']>;
}

function codes(request: CreateRequest | UpdateRequest): string[] | undefined {
  const given = request.discounts?.codes ?? request.coupons;
  return given?.filter((code) => code.trim() !== '');
}

/** A create or an update (ACP updates are partial: what is sent replaces, the rest stays). */
export function toUpdateInput(
  request: CreateRequest | UpdateRequest,
  current: CheckoutSession | null,
): UpdateCheckoutSessionInput {
  const currency = (request as CreateRequest).currency;
  return defined({
    currency: currency?.toUpperCase(),
    lineItems: lines(request),
    buyer: buyerOf(request, current),
    fulfillment: fulfillmentOf(request, current),
    discountCodes: codes(request),
  }) as UpdateCheckoutSessionInput;
}

export function toCompleteInput(request: CompleteRequest): CompleteCheckoutSessionInput {
  const { handler_id: handlerId, instrument, billing_address: billing } = request.payment_data;
  const credential = instrument.credential;
  return {
    paymentInstruments: [
      {
        id: 'payment_data',
        handlerId,
        type: instrument.type,
        // Sandbox and delegated tokens (spt, vault tokens) are all tokens to our charger.
        credential: {
          type: credential.type === 'card' ? 'card' : 'token',
          token: credential.token,
        },
        ...(billing ? { billingAddress: fromAcpAddress(billing) } : {}),
      },
    ],
  };
}

/* ---------- responses: our session → ACP checkout session ---------- */

const STATUS: Record<CheckoutSessionStatus, string> = {
  incomplete: 'not_ready_for_payment',
  requires_escalation: 'requires_escalation',
  ready_for_complete: 'ready_for_payment',
  complete_in_progress: 'complete_in_progress',
  completed: 'completed',
  canceled: 'canceled',
};

const WARNING_CODES = new Set([
  'low_stock',
  'high_demand',
  'shipping_delay',
  'price_change',
  'expiring_promotion',
  'limited_availability',
  'discount_code_expired',
  'discount_code_invalid',
  'discount_code_already_applied',
  'discount_code_combination_disallowed',
  'discount_code_minimum_not_met',
  'discount_code_user_not_logged_in',
  'discount_code_user_ineligible',
  'discount_code_usage_limit_reached',
]);

/** Our missing-field warnings and line errors as ACP's message error codes. */
const ERROR_CODES: Record<string, string> = {
  missing_line_items: 'missing',
  missing_buyer_email: 'missing',
  missing_shipping_address: 'missing',
  missing_payment: 'missing',
  out_of_stock: 'out_of_stock',
  item_unavailable: 'not_found',
  quantity_limit_exceeded: 'quantity_exceeded',
};

/** Our paths are UCP's wire terms; the ones that differ in ACP are renamed. */
function acpParam(path: string | undefined): string | undefined {
  if (!path) return undefined;
  if (path.startsWith('$.fulfillment')) return '$.fulfillment_details';
  if (path.startsWith('$.payment')) return '$.payment_data';
  return path;
}

function toAcpMessage(message: CheckoutMessage) {
  const base = { content_type: 'plain' as const, content: message.content };
  const param = acpParam(message.path);
  const resolution =
    message.severity === 'requires_buyer_input' || message.severity === 'requires_buyer_review'
      ? message.severity
      : 'recoverable';
  const errorCode = ERROR_CODES[message.code];
  if (message.type === 'error' || errorCode) {
    return defined({
      type: 'error' as const,
      code: errorCode ?? 'invalid',
      param,
      resolution,
      ...base,
    });
  }
  if (message.type === 'warning' && WARNING_CODES.has(message.code)) {
    return defined({ type: 'warning' as const, code: message.code, param, ...base });
  }
  return defined({ type: 'info' as const, param, ...base });
}

const LINK_TYPES: Record<string, string> = {
  terms_of_service: 'terms_of_use',
  terms_of_use: 'terms_of_use',
  privacy_policy: 'privacy_policy',
  refund_policy: 'return_policy',
  return_policy: 'return_policy',
  shipping_policy: 'shipping_policy',
  faq: 'faq',
  support: 'support',
};

function total(type: string, display_text: string, amount: number) {
  return { type, display_text, amount };
}

/** Totals as ACP lists them: amounts in minor units, the discount as a positive amount. */
export function toAcpTotals(totals: CheckoutSession['totals']) {
  return [
    total('subtotal', 'Subtotal', totals.subtotalCents),
    ...(totals.discountCents > 0 ? [total('discount', 'Discount', totals.discountCents)] : []),
    total('fulfillment', 'Shipping', totals.fulfillmentCents),
    total('tax', 'Tax', totals.taxCents),
    ...(totals.feeCents > 0 ? [total('fee', 'Fees', totals.feeCents)] : []),
    total('total', 'Total', totals.totalCents),
  ];
}

function toAcpAddress(address: PostalAddress) {
  const name = [address.firstName, address.lastName].filter(Boolean).join(' ');
  return defined({
    name: name || 'Buyer',
    line_one: address.streetAddress,
    line_two: address.extendedAddress,
    city: address.locality,
    // Required by ACP; countries without states get an empty one.
    state: address.region ?? '',
    country: address.country,
    postal_code: address.postalCode,
  });
}

export interface PresentOptions {
  /** Our public base URL, no trailing slash. */
  baseUrl: string;
  paymentHandlerId: string;
}

export function orderPermalink(baseUrl: string, orderId: string): string {
  return `${baseUrl}/orders/${orderId}`;
}

/** The order an ACP platform sees (in the completed session and in order webhooks). */
export function toAcpOrder(
  session: CheckoutSession,
  order: CheckoutSession['orders'][number],
  baseUrl: string,
  status?: string,
) {
  return {
    type: 'order' as const,
    id: order.id,
    checkout_session_id: session.id,
    order_number: order.orderNumber,
    permalink_url: orderPermalink(baseUrl, order.id),
    status: status ?? 'created',
    line_items: session.lineItems.map((line) => ({
      id: line.id,
      title: line.title,
      product_id: line.sku,
      quantity: { ordered: line.quantity, current: line.quantity, fulfilled: 0 },
      unit_price: line.unitPriceCents,
      subtotal: line.totals.subtotalCents,
    })),
    totals: [total('total', 'Total', order.totalCents)],
  };
}

function paymentHandler(id: string, baseUrl: string) {
  return {
    id,
    name: 'sandbox',
    display_name: 'Sandbox payments',
    version: ACP_VERSION,
    spec: `${baseUrl}/docs/sandbox-payments`,
    requires_delegate_payment: false,
    requires_pci_compliance: false,
    psp: 'sandbox',
    config_schema: `${baseUrl}/schemas/sandbox-payment-config.json`,
    instrument_schemas: [`${baseUrl}/schemas/sandbox-instrument.json`],
    config: {},
  };
}

/**
 * ACP agents give the payment with complete, never before: our `missing_payment` notice does
 * not apply to them, and a session lacking nothing else is ready for payment.
 */
function acpView(session: CheckoutSession) {
  const messages = session.messages.filter((m) => m.code !== 'missing_payment');
  const waitsForPaymentOnly =
    session.status === 'incomplete' &&
    messages.length < session.messages.length &&
    !messages.some((m) => m.type === 'error' || ERROR_CODES[m.code] === 'missing');
  return {
    status: waitsForPaymentOnly ? 'ready_for_payment' : STATUS[session.status],
    messages,
  };
}

export function toAcpSession(session: CheckoutSession, options: PresentOptions) {
  const view = acpView(session);
  const method = session.fulfillment.methods[0];
  const destination = method?.destinations.find((d) => d.id === method.selectedDestinationId);
  const group = method?.groups[0];
  const buyer = session.buyer;
  const order = session.orders[0];
  const contactName =
    buyer?.fullName ?? [buyer?.firstName, buyer?.lastName].filter(Boolean).join(' ');
  return {
    id: session.id,
    protocol: { version: ACP_VERSION },
    capabilities: {
      payment: { handlers: [paymentHandler(options.paymentHandlerId, options.baseUrl)] },
    },
    status: view.status,
    currency: session.currency.toLowerCase(),
    ...(buyer?.email
      ? {
          buyer: defined({
            email: buyer.email,
            first_name: buyer.firstName,
            last_name: buyer.lastName,
            full_name: buyer.fullName,
            phone_number: buyer.phoneNumber,
          }),
        }
      : {}),
    line_items: session.lineItems.map((line) => ({
      id: line.id,
      item: { id: line.sku, name: line.title, unit_amount: line.unitPriceCents },
      quantity: line.quantity,
      name: line.title,
      unit_amount: line.unitPriceCents,
      sku: line.sku,
      variant_id: line.variantId,
      totals: [
        total('subtotal', 'Subtotal', line.totals.subtotalCents),
        ...(line.totals.discountCents > 0
          ? [total('discount', 'Discount', line.totals.discountCents)]
          : []),
        total('total', 'Total', line.totals.totalCents),
      ],
    })),
    ...(destination
      ? {
          fulfillment_details: defined({
            name: contactName || undefined,
            email: buyer?.email,
            phone_number: destination.phoneNumber ?? buyer?.phoneNumber,
            address: toAcpAddress(destination),
          }),
        }
      : {}),
    fulfillment_options: (group?.options ?? []).map((option) => ({
      type: 'shipping' as const,
      id: option.id,
      title: option.title,
      totals: [total('fulfillment', option.title, option.amountCents)],
    })),
    selected_fulfillment_options:
      group?.selectedOptionId && method
        ? [
            {
              type: 'shipping' as const,
              option_id: group.selectedOptionId,
              item_ids: group.lineItemIds,
            },
          ]
        : [],
    totals: toAcpTotals(session.totals),
    messages: view.messages.map(toAcpMessage),
    links: session.links.flatMap((link) => {
      const type = LINK_TYPES[link.type];
      return type ? [defined({ type, url: link.url, title: link.title })] : [];
    }),
    discounts: { codes: session.discountCodes },
    created_at: session.createdAt.toISOString(),
    updated_at: session.updatedAt.toISOString(),
    expires_at: session.expiresAt.toISOString(),
    ...(session.continueUrl ? { continue_url: session.continueUrl } : {}),
    ...(order ? { order: toAcpOrder(session, order, options.baseUrl) } : {}),
  };
}
