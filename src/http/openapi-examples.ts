import { DEMO_PRODUCTS } from '../app/seed-demo.ts';

/**
 * The examples of the API document: the demo catalog's products (`npm start` seeds them), a
 * real address, the sandbox payment method. Answers are as the server gave them for these
 * requests. The docs tests send every request example and check the answers' shapes.
 */
const TEE = DEMO_PRODUCTS[0].variants[0];
const MUG = DEMO_PRODUCTS[1].variants[0];

export const EXAMPLE_IDS = {
  session: '01a22f57-7357-73f0-b7d6-76b8fce834a2',
  checkout: '01a22f57-7669-7711-849c-71395c531f06',
  order: '01a22f57-7669-7711-849c-7542f8ee7528',
  orderNumber: '261201-N2S0B26511',
  payment: '01a22f57-768a-71b0-936b-dc272baed030',
  paymentSession: '01a22f57-768a-71b0-936b-da6e6893b627',
  history: '01a22f57-7667-7ff9-89c4-f057ca64dff1',
  agentKey: '01a22f57-7821-7683-b5db-df16e76dcd9c',
} as const;

const at = '2026-12-01T09:30:00.000Z';
const later = '2026-12-01T09:31:00.000Z';

export const EXAMPLE_ADDRESS = {
  name: 'Alice Example',
  line1: '350 Fifth Avenue',
  city: 'New York',
  region: 'NY',
  postalCode: '10118',
  country: 'US',
};

export const EXAMPLE_SESSION_ITEM = {
  productId: TEE.id,
  sku: TEE.sku,
  name: TEE.name,
  quantity: 2,
  unitPriceCents: TEE.priceCents,
  currency: 'USD',
  lineTotalCents: 2 * TEE.priceCents,
};

export const EXAMPLE_SESSION = {
  id: EXAMPLE_IDS.session,
  userId: 'alice',
  channel: 'api',
  state: 'READY_TO_SUBMIT',
  items: [EXAMPLE_SESSION_ITEM],
  shippingAddress: EXAMPLE_ADDRESS,
  paymentMethod: 'sandbox',
  currency: 'USD',
  subtotalCents: 3998,
  submittedOrderIds: [],
  allowedActions: ['SET_SHIPPING', 'SET_PAYMENT_METHOD', 'SUBMIT', 'CANCEL', 'EXPIRE'],
  version: 4,
  createdAt: at,
  updatedAt: later,
  expiresAt: '2026-12-01T10:01:00.000Z',
};

export const EXAMPLE_ORDER = {
  id: EXAMPLE_IDS.order,
  orderNumber: EXAMPLE_IDS.orderNumber,
  checkoutId: EXAMPLE_IDS.checkout,
  userId: 'alice',
  sellerId: null,
  orderSource: 'brand',
  status: 'awaiting_payment',
  currency: 'USD',
  items: [
    {
      variantId: MUG.id,
      sku: MUG.sku,
      name: MUG.name,
      unitPriceCents: MUG.priceCents,
      quantity: 1,
      lineTotalCents: MUG.priceCents,
    },
  ],
  adjustments: [
    {
      kind: 'tax',
      label: 'Tax 8%',
      amountCents: 100,
      sourceType: 'tenant_settings',
      sourceId: null,
    },
    {
      kind: 'fee',
      label: 'Service fee 0.5%',
      amountCents: 6,
      sourceType: 'tenant_settings',
      sourceId: null,
    },
  ],
  totals: {
    subtotalCents: 1250,
    discountCents: 0,
    shippingCents: 0,
    taxCents: 100,
    feeCents: 6,
    adjustmentsTotalCents: 106,
    totalCents: 1356,
  },
  shippingAddress: EXAMPLE_ADDRESS,
  customer: { userId: 'alice', email: 'alice@example.com', name: 'Alice Example' },
  paymentMethod: 'sandbox',
  couponCode: null,
  version: 1,
  createdAt: at,
  updatedAt: at,
};

const paymentUrl = `http://127.0.0.1:3006/pay/${EXAMPLE_IDS.order}?t=demo.1796349790.L4XNgndKSzLophmVgRdt3gQSjpufKFJEwQf1ab0Km_Q`;

export const EXAMPLE_PAYMENT = {
  paymentId: EXAMPLE_IDS.payment,
  orderId: EXAMPLE_IDS.order,
  attempt: 1,
  status: 'pending',
  amountCents: 1356,
  currency: 'USD',
  paymentUrl,
  failureReason: null,
};

export const EXAMPLE_PAYMENT_SESSION = {
  sessionId: EXAMPLE_IDS.paymentSession,
  orderId: EXAMPLE_IDS.order,
  status: 'active',
  expiresAt: '2026-12-01T09:45:00.000Z',
  remainingMinutes: 15,
  paymentAttempts: 1,
  maxPaymentAttempts: 3,
  canRetry: true,
};

export const EXAMPLE_RETRY = {
  payment: { ...EXAMPLE_PAYMENT, attempt: 2 },
  paymentUrl,
  paymentAttempts: 2,
  remainingAttempts: 1,
  session: { ...EXAMPLE_PAYMENT_SESSION, paymentAttempts: 2 },
};

export const EXAMPLE_CHECKOUT = {
  checkoutId: EXAMPLE_IDS.checkout,
  orders: [EXAMPLE_ORDER],
  payments: [EXAMPLE_PAYMENT],
};

export const EXAMPLE_HISTORY_ENTRY = {
  id: EXAMPLE_IDS.history,
  from: null,
  to: 'awaiting_payment',
  actorType: 'user',
  actorId: 'alice',
  reason: 'placed',
  at,
};

export const EXAMPLE_PRICING_SETTINGS = {
  taxRateBp: 800,
  feeRateBp: 50,
  roundingMode: 'half_up',
  shippingFlatCents: 0,
};

export const EXAMPLE_COUPON = {
  code: 'WELCOME10',
  kind: 'percent',
  percentBp: 1000,
  amountCents: null,
  currency: null,
  minSubtotalCents: 0,
  startsAt: null,
  expiresAt: null,
  active: true,
};

export const EXAMPLE_AGENT_KEY = {
  id: EXAMPLE_IDS.agentKey,
  label: 'Shopping assistant',
  createdAt: at,
  revokedAt: null,
};

export const EXAMPLE_SHIPPING_RATE = {
  id: 'us-standard',
  countryCode: 'US',
  serviceLevel: 'standard',
  priceCents: 500,
  title: 'Standard (3–5 days)',
};

export const EXAMPLE_PROMOTION = {
  id: 'free-over-50',
  type: 'free_shipping',
  minSubtotalCents: 5000,
  eligibleSkus: [],
  description: 'Free shipping over $50',
};

export const EXAMPLE_BUYER = {
  id: 'buyer-alice',
  email: 'alice@example.com',
  name: 'Alice Example',
};

export const EXAMPLE_SAVED_ADDRESS_BODY = {
  streetAddress: '350 Fifth Avenue',
  locality: 'New York',
  region: 'NY',
  postalCode: '10118',
  country: 'US',
  firstName: 'Alice',
  lastName: 'Example',
};

export const EXAMPLE_SAVED_ADDRESS = {
  id: 'home',
  buyerId: EXAMPLE_BUYER.id,
  ...EXAMPLE_SAVED_ADDRESS_BODY,
};

export const EXAMPLE_GUILD_LINK = {
  guildId: '1234567890123456789',
  tenantId: 'demo',
  linkedAt: at,
};

/** The request bodies, sent as they are by the docs tests. */
export const EXAMPLE_REQUESTS = {
  beginSession: { channel: 'api' },
  addSessionItem: { variantId: TEE.id, quantity: 2 },
  setSessionShipping: { shippingAddress: EXAMPLE_ADDRESS },
  setSessionPaymentMethod: { paymentMethod: 'sandbox' },
  placeOrder: {
    items: [{ variantId: MUG.id, quantity: 1 }],
    shippingAddress: EXAMPLE_ADDRESS,
    paymentMethod: 'sandbox',
    customer: { email: 'alice@example.com', name: 'Alice Example' },
  },
  changeOrderStatus: { newStatus: 'cancelled', reason: 'The buyer called to cancel' },
  setOrderShippingCost: { shippingCostCents: 495 },
  cancelOrder: { reason: 'Ordered the wrong size' },
  requestRefund: { reason: 'Arrived damaged' },
  updatePricingSettings: EXAMPLE_PRICING_SETTINGS,
  createCoupon: { code: 'WELCOME10', kind: 'percent', percentBp: 1000 },
  createAgentKey: { label: 'Shopping assistant' },
  updateAgentSettings: { allowAnonymous: true },
  putShippingRate: {
    countryCode: 'US',
    serviceLevel: 'standard',
    priceCents: 500,
    title: 'Standard (3–5 days)',
  },
  putPromotion: {
    type: 'free_shipping',
    minSubtotalCents: 5000,
    description: 'Free shipping over $50',
  },
  putBuyer: { email: 'alice@example.com', name: 'Alice Example' },
  putBuyerAddress: EXAMPLE_SAVED_ADDRESS_BODY,
} as const;
