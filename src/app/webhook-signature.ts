import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signatures for webhooks, in and out: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.rawBody">`.
 * The timestamp is signed too, so an old message cannot be replayed with a fresh one.
 */
export function signPayload(secret: string, rawBody: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export type SignatureCheck = 'valid' | 'malformed' | 'stale' | 'mismatch';

export function verifySignature(
  secret: string,
  rawBody: string,
  header: string | undefined,
  nowUnixSeconds: number,
  toleranceSeconds = 300,
): SignatureCheck {
  if (!header) return 'malformed';
  const parts = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const t = parts.get('t');
  const v1 = parts.get('v1');
  if (!t || !/^\d{1,12}$/.test(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return 'malformed';
  if (Math.abs(nowUnixSeconds - Number(t)) > toleranceSeconds) return 'stale';
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex')) ? 'valid' : 'mismatch';
}
