import { fail, ok, type Result } from './result.ts';

/** Amounts are integer counts of minor units; the largest we accept keeps sums exact. */
export const MAX_AMOUNT_CENTS = 100_000_000_000; // one billion major units

const CURRENCY = /^[A-Z]{3}$/;

export function isCurrencyCode(value: string): boolean {
  return CURRENCY.test(value);
}

export function isAmountCents(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= MAX_AMOUNT_CENTS;
}

/** unit × quantity, refusing a result that would lose precision or exceed the bound. */
export function lineTotalCents(unitPriceCents: number, quantity: number): Result<number> {
  const total = unitPriceCents * quantity;
  if (!isAmountCents(total)) {
    return fail('VALIDATION_FAILED', 'The line total is too large.', { field: 'quantity' });
  }
  return ok(total);
}

export function sumCents(amounts: readonly number[]): number {
  let total = 0;
  for (const amount of amounts) total += amount;
  return total;
}
