import { describe, expect, it } from 'vitest';
import {
  isAmountCents,
  isCurrencyCode,
  lineTotalCents,
  MAX_AMOUNT_CENTS,
  sumCents,
} from '../../src/domain/money.ts';

describe('isCurrencyCode', () => {
  it.each(['USD', 'EUR', 'JPY'])('accepts %s', (code) => {
    expect(isCurrencyCode(code)).toBe(true);
  });

  it.each(['usd', 'US', 'U', 'USDX', 'XUSD', ' USD', 'US1', ''])('refuses %j', (code) => {
    expect(isCurrencyCode(code)).toBe(false);
  });
});

describe('isAmountCents', () => {
  it('is one billion major units at most', () => {
    expect(MAX_AMOUNT_CENTS).toBe(100_000_000_000);
  });

  it.each([0, 1, 1999, MAX_AMOUNT_CENTS])('accepts %d', (value) => {
    expect(isAmountCents(value)).toBe(true);
  });

  it.each([-1, MAX_AMOUNT_CENTS + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    'refuses %d',
    (value) => {
      expect(isAmountCents(value)).toBe(false);
    },
  );
});

describe('lineTotalCents', () => {
  it('multiplies the unit price by the quantity', () => {
    expect(lineTotalCents(1999, 3)).toEqual({ ok: true, value: 5997 });
    expect(lineTotalCents(0, 5)).toEqual({ ok: true, value: 0 });
    expect(lineTotalCents(MAX_AMOUNT_CENTS, 1)).toEqual({ ok: true, value: MAX_AMOUNT_CENTS });
  });

  it('refuses a total above the bound, naming the quantity', () => {
    const refusal = {
      ok: false,
      error: {
        code: 'VALIDATION_FAILED',
        message: 'The line total is too large.',
        details: { field: 'quantity' },
      },
    };
    expect(lineTotalCents(MAX_AMOUNT_CENTS, 2)).toEqual(refusal);
    expect(lineTotalCents(MAX_AMOUNT_CENTS / 1000 + 1, 1000)).toEqual(refusal);
  });
});

describe('sumCents', () => {
  it('adds every amount, negative ones included', () => {
    expect(sumCents([])).toBe(0);
    expect(sumCents([1999, 1, -500])).toBe(1500);
  });
});
