/**
 * The one place amounts are rounded. Rates are basis points (1/100 of a percent: 800 = 8%), so
 * `amount × rate` stays an exact integer and only the final division rounds.
 */
export type RoundingMode = 'half_up' | 'half_even' | 'down';
export const ROUNDING_MODES: readonly RoundingMode[] = ['half_up', 'half_even', 'down'];

const BASIS = 10_000;

/** `amountCents × basisPoints / 10 000`, rounded; amounts are non-negative. */
export function applyRate(amountCents: number, basisPoints: number, mode: RoundingMode): number {
  const numerator = amountCents * basisPoints;
  if (!Number.isSafeInteger(numerator))
    throw new RangeError('applyRate: amount × rate is not exact');
  return divide(numerator, BASIS, mode);
}

function divide(numerator: number, denominator: number, mode: RoundingMode): number {
  const quotient = Math.floor(numerator / denominator);
  const remainder = numerator - quotient * denominator;
  if (mode === 'down' || remainder === 0) return quotient;
  const twice = remainder * 2;
  if (twice > denominator) return quotient + 1;
  if (twice < denominator) return quotient;
  return mode === 'half_up' || quotient % 2 === 1 ? quotient + 1 : quotient;
}

/**
 * Splits `total` across parts in proportion to `weights`, exactly: each part gets its floor and
 * the cents left over go to the largest remainders (ties to the earlier part).
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const shares = weights.map((w) => {
    const exact = total * w;
    const floor = Math.floor(exact / sum);
    return { floor, remainder: exact - floor * sum };
  });
  let left = total - shares.reduce((a, s) => a + s.floor, 0);
  const order = shares
    .map((_, i) => i)
    .sort((a, b) => (shares[b]?.remainder ?? 0) - (shares[a]?.remainder ?? 0) || a - b);
  const result = shares.map((s) => s.floor);
  for (const index of order) {
    if (left <= 0) break;
    result[index] = (result[index] ?? 0) + 1;
    left--;
  }
  return result;
}
