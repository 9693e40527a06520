/**
 * The agent checkout session: what an AI shopping agent builds, field by field, in any order.
 * Its status is derived from its data (see `derive.ts`); its totals are recomputed on every
 * change by the one pricing function. Amounts are integer minor units of `currency`.
 */

export type CheckoutSessionStatus =
  | 'incomplete'
  | 'requires_escalation'
  | 'ready_for_complete'
  | 'complete_in_progress'
  | 'completed'
  | 'canceled';

export interface PostalAddress {
  streetAddress: string;
  extendedAddress?: string | undefined;
  /** City. */
  locality: string;
  /** State, province. */
  region?: string | undefined;
  postalCode: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  phoneNumber?: string | undefined;
}

export interface BuyerConsent {
  marketing?: boolean | undefined;
  analytics?: boolean | undefined;
  saleOfData?: boolean | undefined;
}

export interface Buyer {
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  fullName?: string | undefined;
  phoneNumber?: string | undefined;
  consent?: BuyerConsent | undefined;
}

export interface LineTotals {
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
}

export interface LineItem {
  /** The session's own id for the line (`li_1`, `li_2`…), stable across updates. */
  id: string;
  variantId: string;
  /** The catalog SKU: the product id an agent sees. */
  sku: string;
  title: string;
  /** From the catalog, never from the client. */
  unitPriceCents: number;
  quantity: number;
  sellerId: string | null;
  totals: LineTotals;
}

/** A shipping destination: an address with an id the agent selects by. */
export interface Destination extends PostalAddress {
  id: string;
  /** Set when the address is one of the buyer's saved addresses (address book). */
  savedAddressId?: string | undefined;
}

export interface ShippingOption {
  /** The shipping rate's id (`std-ship`…). */
  id: string;
  title: string;
  serviceLevel: string;
  /** What the buyer pays for it, after free-shipping promotions. */
  amountCents: number;
  /** The rate's own price before promotions. */
  listAmountCents: number;
  /** The promotion that made it free, if any. */
  promotionId?: string | undefined;
}

export interface FulfillmentGroup {
  id: string;
  lineItemIds: string[];
  /** Offered once a destination is selected; recomputed on every update. */
  options: ShippingOption[];
  selectedOptionId: string | null;
}

export interface FulfillmentMethod {
  id: string;
  type: 'shipping';
  lineItemIds: string[];
  destinations: Destination[];
  selectedDestinationId: string | null;
  groups: FulfillmentGroup[];
}

export interface PaymentInstrument {
  id: string;
  /** The payment handler that issued it; the sandbox one is `mock_payment_handler` by default. */
  handlerId: string;
  /** `card`, `wallet`… */
  type: string;
  /** What may be shown: brand, last digits… */
  display?: Record<string, unknown> | undefined;
  /** `{type: 'token', token}` or a card credential; kept to charge, never echoed by channels. */
  credential?: Record<string, unknown> | undefined;
  billingAddress?: PostalAddress | undefined;
}

export interface AppliedDiscount {
  code: string;
  title: string;
  /** Positive: what this code takes off the subtotal. */
  amountCents: number;
  kind: 'percent' | 'fixed';
}

export type MessageType = 'error' | 'warning' | 'info';
export type MessageSeverity =
  | 'recoverable'
  | 'requires_buyer_input'
  | 'requires_buyer_review'
  | 'unrecoverable';

export interface CheckoutMessage {
  type: MessageType;
  /** `missing_line_items`, `out_of_stock`, `discount_code_invalid`… */
  code: string;
  /** JSONPath of what it is about, in the snake_case wire shape: `$.line_items[0]`. */
  path?: string | undefined;
  content: string;
  /** Errors always carry one; `requires_buyer_input` makes the status `requires_escalation`. */
  severity?: MessageSeverity | undefined;
}

export interface CheckoutTotals {
  subtotalCents: number;
  /** Positive: the sum of applied discounts (channels show it negative). */
  discountCents: number;
  /** Shipping. */
  fulfillmentCents: number;
  taxCents: number;
  feeCents: number;
  totalCents: number;
}

export interface CheckoutLink {
  type: string;
  url: string;
  title?: string | undefined;
}

/** What completion placed: one order per seller, and where each is paid. */
export interface CheckoutOrderRef {
  id: string;
  orderNumber: string;
  status: string;
  totalCents: number;
}

export interface CheckoutSession {
  id: string;
  tenantId: string;
  /** The caller that created it (`RequestContext.userId`). */
  ownerId: string;
  status: CheckoutSessionStatus;
  currency: string;
  lineItems: LineItem[];
  buyer: Buyer | null;
  fulfillment: { methods: FulfillmentMethod[] };
  billingAddress: PostalAddress | null;
  paymentInstruments: PaymentInstrument[];
  /** Codes as the agent sent them (upper-cased), valid or not. */
  discountCodes: string[];
  appliedDiscounts: AppliedDiscount[];
  messages: CheckoutMessage[];
  totals: CheckoutTotals;
  links: CheckoutLink[];
  continueUrl: string | null;
  /** Free-form data a channel keeps with the session (a platform's webhook URL, say). */
  metadata: Record<string, unknown>;
  /** The placed checkout's id (the orders' `checkoutId`) once completion placed the orders. */
  checkoutId: string | null;
  orders: CheckoutOrderRef[];
  /** Counter for line ids, so that a removed line's id is never reused. */
  nextLineNo: number;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
  /** Bumped by every write; every write is conditional on it. */
  version: number;
}

export const FINAL_STATUSES: readonly CheckoutSessionStatus[] = ['completed', 'canceled'];
