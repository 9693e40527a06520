import type {
  CompleteCheckoutSessionInput,
  PaymentInstrumentInput,
  UpdateCheckoutSessionInput,
} from '../../domain/checkout-session/inputs.ts';
import type {
  CheckoutMessage,
  CheckoutSession,
  Destination,
  PaymentInstrument,
  PostalAddress,
} from '../../domain/checkout-session/types.ts';
import { paymentHandlers } from './discovery.ts';
import type { CheckoutRequest, CompleteRequest, WireAddress, WireInstrument } from './requests.ts';
import { UCP_VERSION } from './version.ts';

/* ---------- requests: UCP wire → our inputs ---------- */

function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== ''),
  ) as T;
}

/** A UCP postal address as ours; the non-spec `locality`/`region` are read as the spec's. */
export function fromWireAddress(wire: WireAddress) {
  const [first, ...rest] = (wire.full_name ?? '').trim().split(/\s+/);
  return defined({
    streetAddress: wire.street_address,
    extendedAddress: wire.extended_address,
    locality: wire.address_locality ?? wire.locality,
    region: wire.address_region ?? wire.region,
    postalCode: wire.postal_code,
    country: wire.address_country,
    firstName: wire.first_name ?? (first || undefined),
    lastName: wire.last_name ?? (rest.length > 0 ? rest.join(' ') : undefined),
    phoneNumber: wire.phone_number,
  });
}

function fromWireInstrument(wire: WireInstrument): PaymentInstrumentInput {
  const billing = wire.billing_address ? fromWireAddress(wire.billing_address) : undefined;
  const complete =
    billing?.streetAddress && billing.locality && billing.postalCode && billing.country;
  return {
    id: wire.id,
    handlerId: wire.handler_id,
    type: wire.type,
    ...(wire.display ? { display: wire.display } : {}),
    ...(wire.credential ? { credential: wire.credential } : {}),
    // A partial billing address says too little to keep: it is left out rather than refused.
    ...(complete ? { billingAddress: billing as PostalAddress } : {}),
  };
}

/**
 * A create or a full-replace update (PUT) as our update input: every writable field is set,
 * absent ones to empty, so that the session is what the platform sent. Response-only fields it
 * echoes (totals, options, `applied`, line totals, prices) are dropped; a line keeps its id only
 * when it names one of the session's lines (a create's client-side ids are not ours).
 */
export function toUpdateInput(
  request: CheckoutRequest,
  current: CheckoutSession | null,
): UpdateCheckoutSessionInput {
  const lineIds = new Set(current?.lineItems.map((line) => line.id) ?? []);
  const buyer = request.buyer;
  return {
    lineItems: (request.line_items ?? []).map((line) => ({
      ...(line.id && lineIds.has(line.id) ? { id: line.id } : {}),
      sku: line.item.id,
      quantity: line.quantity,
    })),
    buyer: buyer
      ? defined({
          email: buyer.email,
          firstName: buyer.first_name,
          lastName: buyer.last_name,
          fullName: buyer.full_name ?? buyer.fullName ?? buyer.name,
          phoneNumber: buyer.phone_number,
          consent: buyer.consent
            ? defined({
                marketing: buyer.consent.marketing,
                analytics: buyer.consent.analytics,
                saleOfData: buyer.consent.sale_of_data,
              })
            : undefined,
        })
      : null,
    fulfillment: request.fulfillment?.methods
      ? {
          methods: request.fulfillment.methods.map((method) =>
            defined({
              id: method.id,
              type: 'shipping' as const,
              destinations: method.destinations?.map((d) => ({
                ...fromWireAddress(d),
                ...(d.id !== undefined ? { id: d.id } : {}),
              })),
              selectedDestinationId: method.selected_destination_id ?? undefined,
              groups: method.groups?.map((g) =>
                defined({ id: g.id, selectedOptionId: g.selected_option_id ?? undefined }),
              ),
            }),
          ) as NonNullable<UpdateCheckoutSessionInput['fulfillment']>['methods'],
        }
      : null,
    paymentInstruments: (request.payment?.instruments ?? []).map(fromWireInstrument),
    discountCodes: (request.discounts?.codes ?? []).filter((code) => code.trim() !== ''),
  };
}

export function toCompleteInput(request: CompleteRequest): CompleteCheckoutSessionInput {
  return {
    paymentInstruments: request.payment.instruments.map(fromWireInstrument),
    // UCP leaves it to the business; the buyer's e-mail is not needed to buy here.
    buyerEmailOptional: true,
  };
}

/* ---------- responses: our session → UCP checkout ---------- */

export interface PresentOptions {
  /** Our public base URL, no trailing slash: order permalinks live under it. */
  baseUrl: string;
  paymentHandlerId: string;
}

export function ucpResponseMeta(paymentHandlerId: string) {
  const capability = [{ version: UCP_VERSION }];
  return {
    version: UCP_VERSION,
    status: 'success' as const,
    capabilities: {
      'dev.ucp.shopping.checkout': capability,
      'dev.ucp.shopping.discount': capability,
      'dev.ucp.shopping.fulfillment': capability,
      'dev.ucp.shopping.buyer_consent': capability,
    },
    payment_handlers: paymentHandlers(paymentHandlerId),
  };
}

export function toWireAddress(address: PostalAddress) {
  return defined({
    street_address: address.streetAddress,
    extended_address: address.extendedAddress,
    address_locality: address.locality,
    address_region: address.region,
    postal_code: address.postalCode,
    address_country: address.country,
    first_name: address.firstName,
    last_name: address.lastName,
    phone_number: address.phoneNumber,
  });
}

function toWireDestination(destination: Destination) {
  return { id: destination.id, ...toWireAddress(destination) };
}

function toWireInstrument(instrument: PaymentInstrument) {
  // Credentials (tokens, card numbers) are never sent back.
  return defined({
    id: instrument.id,
    handler_id: instrument.handlerId,
    type: instrument.type,
    display: instrument.display,
    billing_address: instrument.billingAddress
      ? toWireAddress(instrument.billingAddress)
      : undefined,
  });
}

function toWireMessage(message: CheckoutMessage) {
  return defined({
    type: message.type,
    code: message.code,
    path: message.path,
    content: message.content,
    content_type: 'plain',
    // An error always carries a severity in UCP; ours may leave it to the default.
    severity: message.severity ?? (message.type === 'error' ? 'recoverable' : undefined),
  });
}

/** Totals as UCP lists them: one subtotal, one total, discounts negative, others only when they apply. */
export function toWireTotals(totals: CheckoutSession['totals'], withFulfillment: boolean) {
  return [
    { type: 'subtotal', amount: totals.subtotalCents },
    ...(totals.discountCents > 0 ? [{ type: 'discount', amount: -totals.discountCents }] : []),
    ...(withFulfillment ? [{ type: 'fulfillment', amount: totals.fulfillmentCents }] : []),
    ...(totals.taxCents > 0 ? [{ type: 'tax', amount: totals.taxCents }] : []),
    ...(totals.feeCents > 0 ? [{ type: 'fee', amount: totals.feeCents }] : []),
    { type: 'total', amount: totals.totalCents },
  ];
}

export function orderPermalink(baseUrl: string, orderId: string): string {
  return `${baseUrl}/orders/${orderId}`;
}

/** The session as a UCP checkout with the fulfillment, discount and buyer-consent extensions. */
export function toUcpCheckout(session: CheckoutSession, options: PresentOptions) {
  const optionChosen = session.fulfillment.methods.some((m) =>
    m.groups.some((g) => g.options.some((o) => o.id === g.selectedOptionId)),
  );
  const buyer = session.buyer;
  const order = session.orders[0];
  return {
    ucp: ucpResponseMeta(options.paymentHandlerId),
    id: session.id,
    status: session.status,
    currency: session.currency,
    line_items: session.lineItems.map((line) => ({
      id: line.id,
      item: { id: line.sku, title: line.title, price: line.unitPriceCents },
      quantity: line.quantity,
      totals: [
        { type: 'subtotal', amount: line.totals.subtotalCents },
        ...(line.totals.discountCents > 0
          ? [{ type: 'items_discount', amount: -line.totals.discountCents }]
          : []),
        { type: 'total', amount: line.totals.totalCents },
      ],
    })),
    ...(buyer
      ? {
          buyer: defined({
            email: buyer.email,
            first_name: buyer.firstName,
            last_name: buyer.lastName,
            full_name: buyer.fullName,
            phone_number: buyer.phoneNumber,
            consent: buyer.consent
              ? defined({
                  marketing: buyer.consent.marketing,
                  analytics: buyer.consent.analytics,
                  sale_of_data: buyer.consent.saleOfData,
                })
              : undefined,
          }),
        }
      : {}),
    totals: toWireTotals(session.totals, optionChosen),
    messages: session.messages.map(toWireMessage),
    links: session.links.map((link) =>
      defined({ type: link.type, url: link.url, title: link.title }),
    ),
    expires_at: session.expiresAt.toISOString(),
    ...(session.continueUrl ? { continue_url: session.continueUrl } : {}),
    payment: { instruments: session.paymentInstruments.map(toWireInstrument) },
    fulfillment: {
      methods: session.fulfillment.methods.map((method) => ({
        id: method.id,
        type: method.type,
        line_item_ids: method.lineItemIds,
        destinations: method.destinations.map(toWireDestination),
        selected_destination_id: method.selectedDestinationId,
        groups: method.groups.map((group) => ({
          id: group.id,
          line_item_ids: group.lineItemIds,
          options: group.options.map((option) => ({
            id: option.id,
            title: option.title,
            totals: [
              { type: 'subtotal', amount: option.listAmountCents },
              ...(option.listAmountCents > option.amountCents
                ? [{ type: 'discount', amount: option.amountCents - option.listAmountCents }]
                : []),
              { type: 'total', amount: option.amountCents },
            ],
          })),
          selected_option_id: group.selectedOptionId,
        })),
      })),
    },
    discounts: {
      codes: session.discountCodes,
      applied: session.appliedDiscounts.map((discount) => ({
        code: discount.code,
        title: discount.title,
        amount: discount.amountCents,
      })),
    },
    ...(order
      ? {
          order: {
            id: order.id,
            label: order.orderNumber,
            permalink_url: orderPermalink(options.baseUrl, order.id),
          },
        }
      : {}),
  };
}
