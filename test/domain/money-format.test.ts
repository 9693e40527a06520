import { describe, expect, it } from 'vitest';
import { formatMinorUnits as format, minorToDecimal } from '../../src/domain/money-format.ts';

// Intl separates the symbol with a no-break space; compare with plain spaces.
const formatMinorUnits = (...args: Parameters<typeof format>) =>
  format(...args).replace(/\u00a0/g, ' ');

describe('formatMinorUnits', () => {
  it('uses the currency’s own decimals', () => {
    expect(formatMinorUnits(1234, 'USD')).toBe('$12.34');
    expect(formatMinorUnits(5, 'EUR')).toBe('€0.05');
    expect(formatMinorUnits(1200, 'JPY')).toBe('¥1,200');
    expect(formatMinorUnits(250_000, 'VND', 'vi-VN')).toBe('250.000 ₫');
    expect(formatMinorUnits(1234, 'KWD')).toBe('KWD 1.234');
  });

  it('keeps every digit of amounts a float would round', () => {
    expect(formatMinorUnits(90_071_992_547_409, 'USD')).toBe('$900,719,925,474.09');
    expect(formatMinorUnits(-1999, 'USD')).toBe('-$19.99');
  });

  it('shows an unknown currency code as stored rather than failing', () => {
    expect(formatMinorUnits(1234, 'XX1')).toBe('1234 XX1');
  });
});

describe('minorToDecimal', () => {
  it('places the point from integers', () => {
    expect(minorToDecimal(1234, 2)).toBe('12.34');
    expect(minorToDecimal(7, 2)).toBe('0.07');
    expect(minorToDecimal(-7, 3)).toBe('-0.007');
    expect(minorToDecimal(1200, 0)).toBe('1200');
  });
});
