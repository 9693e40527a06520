const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

/**
 * A human-readable order number: the UTC date and 10 random base32 characters (50 bits), e.g.
 * `261121-7K3M9Q2XWD`. Nothing shared is locked to make one; the unique index is the backstop
 * (at 100,000 orders a day, two equal numbers in one day happen about once in 600 years).
 */
export function formatOrderNumber(now: Date, random: Uint8Array): string {
  const date = now.toISOString().slice(2, 10).replaceAll('-', '');
  let code = '';
  for (let i = 0; i < 10; i++) code += ALPHABET[(random[i] ?? 0) % 32];
  return `${date}-${code}`;
}
