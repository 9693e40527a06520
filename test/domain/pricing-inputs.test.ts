import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT_CENTS } from '../../src/domain/money.ts';
import { createCouponInputSchema, pricingSettingsSchema } from '../../src/domain/pricing/inputs.ts';

const settings = { taxRateBp: 800, feeRateBp: 50, roundingMode: 'half_up', shippingFlatCents: 0 };
const settingsRefusedAt = (input: unknown) => {
  const parsed = pricingSettingsSchema.safeParse(input);
  return parsed.success ? 'accepted' : (parsed.error.issues[0]?.path.join('.') ?? '');
};

describe('pricing settings input', () => {
  it('accepts rates from 0 to 10 000 basis points and every rounding mode', () => {
    for (const roundingMode of ['half_up', 'half_even', 'down']) {
      expect(pricingSettingsSchema.parse({ ...settings, roundingMode })).toEqual({
        ...settings,
        roundingMode,
      });
    }
    expect(settingsRefusedAt({ ...settings, taxRateBp: 0, feeRateBp: 10_000 })).toBe('accepted');
    expect(settingsRefusedAt({ ...settings, taxRateBp: 10_000, feeRateBp: 0 })).toBe('accepted');
    expect(settingsRefusedAt({ ...settings, shippingFlatCents: MAX_AMOUNT_CENTS })).toBe(
      'accepted',
    );
  });

  it.each([
    ['taxRateBp', -1],
    ['taxRateBp', 10_001],
    ['taxRateBp', 8.5],
    ['feeRateBp', -1],
    ['feeRateBp', 10_001],
    ['roundingMode', 'up'],
    ['shippingFlatCents', -1],
    ['shippingFlatCents', MAX_AMOUNT_CENTS + 1],
    ['shippingFlatCents', 1.5],
  ])('refuses %s = %j', (field, value) => {
    expect(settingsRefusedAt({ ...settings, [field]: value })).toBe(field);
  });

  it('refuses an unknown setting and documents basis points', () => {
    expect(settingsRefusedAt({ ...settings, currency: 'USD' })).toBe('');
    expect(pricingSettingsSchema.shape.taxRateBp.description).toBe('basis points: 800 = 8%');
  });
});

describe('coupon input', () => {
  const percent = { code: 'SAVE10', kind: 'percent', percentBp: 1000 };
  const fixed = { code: 'FIVE', kind: 'fixed', amountCents: 500, currency: 'USD' };
  const issues = (input: unknown) => {
    const parsed = createCouponInputSchema.safeParse(input);
    return parsed.success
      ? []
      : parsed.error.issues.map((i) => ({
          code: i.code,
          path: i.path.join('.'),
          message: i.message,
        }));
  };
  const refusedAt = (input: unknown) => issues(input)[0]?.path ?? 'accepted';

  it('fills in the defaults: no minimum, active', () => {
    expect(createCouponInputSchema.parse(percent)).toEqual({
      ...percent,
      minSubtotalCents: 0,
      active: true,
    });
    expect(createCouponInputSchema.parse({ ...fixed, active: false, minSubtotalCents: 1 })).toEqual(
      { ...fixed, active: false, minSubtotalCents: 1 },
    );
  });

  it.each(['A', 'x_y-Z9', 'C'.repeat(64)])('accepts the code %s', (code) => {
    expect(refusedAt({ ...percent, code })).toBe('accepted');
  });

  it.each(['', 'C'.repeat(65), 'SAVE 10', 'SAVE!', ' SAVE', 'SAVE\n'])(
    'refuses the code %j',
    (code) => {
      expect(refusedAt({ ...percent, code })).toBe('code');
    },
  );

  it('bounds the percentage, the amount and the minimum', () => {
    expect(refusedAt({ ...percent, percentBp: 1 })).toBe('accepted');
    expect(refusedAt({ ...percent, percentBp: 10_000 })).toBe('accepted');
    expect(refusedAt({ ...percent, percentBp: 0 })).toBe('percentBp');
    expect(refusedAt({ ...percent, percentBp: 10_001 })).toBe('percentBp');
    expect(refusedAt({ ...fixed, amountCents: 1 })).toBe('accepted');
    expect(refusedAt({ ...fixed, amountCents: MAX_AMOUNT_CENTS })).toBe('accepted');
    expect(refusedAt({ ...fixed, amountCents: 0 })).toBe('amountCents');
    expect(refusedAt({ ...fixed, amountCents: MAX_AMOUNT_CENTS + 1 })).toBe('amountCents');
    expect(refusedAt({ ...percent, minSubtotalCents: MAX_AMOUNT_CENTS })).toBe('accepted');
    expect(refusedAt({ ...percent, minSubtotalCents: -1 })).toBe('minSubtotalCents');
    expect(refusedAt({ ...percent, minSubtotalCents: MAX_AMOUNT_CENTS + 1 })).toBe(
      'minSubtotalCents',
    );
    expect(refusedAt({ ...percent, kind: 'bogo' })).toBe('kind');
  });

  it.each(['usd', 'US', 'USDX', 'XUSD'])('refuses the currency %s', (currency) => {
    expect(refusedAt({ ...fixed, currency })).toBe('currency');
  });

  it('takes start and end times with an offset', () => {
    const window = {
      startsAt: '2026-03-01T00:00:00+02:00',
      expiresAt: '2026-04-01T00:00:00-05:00',
    };
    expect(refusedAt({ ...percent, expiresAt: '2026-04-01T00:00:00Z' })).toBe('accepted');
    expect(createCouponInputSchema.parse({ ...percent, ...window })).toMatchObject(window);
    expect(refusedAt({ ...percent, startsAt: '2026-03-01' })).toBe('startsAt');
    expect(refusedAt({ ...percent, expiresAt: 'tomorrow' })).toBe('expiresAt');
  });

  it('requires a percentage of a percent coupon', () => {
    expect(issues({ code: 'P', kind: 'percent' })).toEqual([
      { code: 'custom', path: 'percentBp', message: 'a percent coupon needs percentBp' },
    ]);
    expect(issues({ code: 'P', kind: 'percent', amountCents: 5, currency: 'USD' })).toEqual([
      { code: 'custom', path: 'percentBp', message: 'a percent coupon needs percentBp' },
    ]);
  });

  it('requires an amount and a currency of a fixed coupon, each', () => {
    const needs = [
      {
        code: 'custom',
        path: 'amountCents',
        message: 'a fixed coupon needs amountCents and currency',
      },
    ];
    expect(issues({ code: 'F', kind: 'fixed', percentBp: 1000 })).toEqual(needs);
    expect(issues({ code: 'F', kind: 'fixed', amountCents: 500 })).toEqual(needs);
    expect(issues({ code: 'F', kind: 'fixed', currency: 'USD' })).toEqual(needs);
  });

  it('refuses an unknown field', () => {
    expect(refusedAt({ ...percent, uses: 3 })).toBe('');
  });
});
