import { describe, expect, it } from 'vitest';
import {
  checkoutLineSchema,
  idempotencyKeySchema,
  MAX_CHECKOUT_LINES,
  MAX_LINE_QUANTITY,
  placeOrderInputSchema,
} from '../../src/domain/checkout/inputs.ts';
import { ADDRESS } from '../support/fixtures.ts';

const VARIANT = '01930000-0000-7000-8000-000000000001';
const line = { variantId: VARIANT, quantity: 1 };
const valid = { items: [line], shippingAddress: ADDRESS };
const accepts = (input: unknown) => placeOrderInputSchema.safeParse(input).success;
/** The path of the first issue: which field the refusal names. */
const refusedAt = (input: unknown) => {
  const parsed = placeOrderInputSchema.safeParse(input);
  return parsed.success ? 'accepted' : (parsed.error.issues[0]?.path.join('.') ?? '');
};

describe('checkout input bounds', () => {
  it('allows 50 lines of at most 999 units', () => {
    expect([MAX_CHECKOUT_LINES, MAX_LINE_QUANTITY]).toEqual([50, 999]);
  });

  it('accepts the smallest checkout and keeps what it was given', () => {
    expect(placeOrderInputSchema.parse(valid)).toEqual(valid);
  });

  it('accepts 1 to 255 characters of idempotency key, and refuses none or 256', () => {
    expect(idempotencyKeySchema.safeParse('k').success).toBe(true);
    expect(idempotencyKeySchema.safeParse('k'.repeat(255)).success).toBe(true);
    expect(idempotencyKeySchema.safeParse('').success).toBe(false);
    expect(idempotencyKeySchema.safeParse('k'.repeat(256)).success).toBe(false);
    expect(accepts({ ...valid, idempotencyKey: 'abc' })).toBe(true);
    expect(refusedAt({ ...valid, idempotencyKey: '' })).toBe('idempotencyKey');
  });

  it('documents where else the idempotency key may come from', () => {
    expect(placeOrderInputSchema.shape.idempotencyKey.description).toBe(
      'Or the Idempotency-Key header',
    );
  });

  it('takes 1 to 50 lines', () => {
    expect(refusedAt({ ...valid, items: [] })).toBe('items');
    expect(accepts({ ...valid, items: Array.from({ length: 50 }, () => line) })).toBe(true);
    expect(refusedAt({ ...valid, items: Array.from({ length: 51 }, () => line) })).toBe('items');
  });

  it.each([1, 999])('accepts a quantity of %d', (quantity) => {
    expect(checkoutLineSchema.safeParse({ variantId: VARIANT, quantity }).success).toBe(true);
  });

  it.each([0, -1, 1000, 1.5])('refuses a quantity of %d', (quantity) => {
    expect(refusedAt({ ...valid, items: [{ variantId: VARIANT, quantity }] })).toBe(
      'items.0.quantity',
    );
  });

  it('refuses a variant id that is not a UUID, and unknown fields on a line or the body', () => {
    expect(refusedAt({ ...valid, items: [{ variantId: 'v-1', quantity: 1 }] })).toBe(
      'items.0.variantId',
    );
    expect(checkoutLineSchema.safeParse({ ...line, price: 1 }).success).toBe(false);
    expect(placeOrderInputSchema.safeParse({ ...valid, totalCents: 1 }).success).toBe(false);
  });

  it.each(['SAVE10', 'a', 'x_y-z', 'C'.repeat(64)])('accepts the coupon code %s', (couponCode) => {
    expect(accepts({ ...valid, couponCode })).toBe(true);
  });

  it.each(['', 'C'.repeat(65), 'SAVE 10', 'SAVE!', ' SAVE', 'SAVE\n'])(
    'refuses the coupon code %j',
    (couponCode) => {
      expect(refusedAt({ ...valid, couponCode })).toBe('couponCode');
    },
  );

  it('takes a positive whole payment window and documents its default', () => {
    expect(accepts({ ...valid, paymentWindowMinutes: 1 })).toBe(true);
    expect(refusedAt({ ...valid, paymentWindowMinutes: 0 })).toBe('paymentWindowMinutes');
    expect(refusedAt({ ...valid, paymentWindowMinutes: 1.5 })).toBe('paymentWindowMinutes');
    expect(placeOrderInputSchema.shape.paymentWindowMinutes.description).toBe(
      'Minutes to pay, within the configured bounds (default ORDER_SESSION_DURATION_MINUTES)',
    );
  });

  it('trims the customer name and bounds it and the email', () => {
    const parsed = placeOrderInputSchema.parse({
      ...valid,
      customer: { name: '  Ana  ', email: 'ana@example.com' },
    });
    expect(parsed.customer).toEqual({ name: 'Ana', email: 'ana@example.com' });
    expect(accepts({ ...valid, customer: { name: 'A'.repeat(200) } })).toBe(true);
    expect(refusedAt({ ...valid, customer: { name: 'A'.repeat(201) } })).toBe('customer.name');
    expect(refusedAt({ ...valid, customer: { name: '   ' } })).toBe('customer.name');
    expect(refusedAt({ ...valid, customer: { name: '' } })).toBe('customer.name');
    const email254 = `${'a'.repeat(242)}@example.com`;
    expect(accepts({ ...valid, customer: { email: email254 } })).toBe(true);
    expect(refusedAt({ ...valid, customer: { email: `a${email254}` } })).toBe('customer.email');
    expect(refusedAt({ ...valid, customer: { email: 'not-an-email' } })).toBe('customer.email');
    expect(refusedAt({ ...valid, customer: { phone: '1' } })).toBe('customer');
  });
});
