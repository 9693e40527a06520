/**
 * An amount in minor units as the currency writes it (`$12.34`, `12.345 ₫`, `¥1,200`): the
 * currency's own number of decimals (ISO 4217, as Intl knows it), never a float division, so
 * VND and JPY are not shown a hundred times too small.
 */
export function formatMinorUnits(amount: number, currency: string, locale = 'en-US'): string {
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  } catch {
    // An unknown currency code: the digits as stored, and the code as given.
    return `${amount} ${currency}`;
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorToDecimal(amount, digits) as `${number}`); // a decimal string is formatted exactly
}

/** `1234, 2` → `"12.34"`; built from integers so no amount is ever rounded through a float. */
export function minorToDecimal(amount: number, digits: number): string {
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  if (digits === 0) return `${sign}${abs}`;
  const scale = 10 ** digits;
  const major = Math.trunc(abs / scale);
  const minor = String(abs % scale).padStart(digits, '0');
  return `${sign}${major}.${minor}`;
}
