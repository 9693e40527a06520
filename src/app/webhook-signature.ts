import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures by the Standard Webhooks specification (standardwebhooks.com), in and out:
 * headers `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature: v1,<base64>`,
 * the base64 HMAC-SHA256 of `<id>.<timestamp>.<raw body>`. Written here rather than taken from
 * the `standardwebhooks` package because its verify reads the wall clock; the tests check this
 * against the package both ways.
 *
 * A secret is `whsec_<base64 of the key bytes>`. A secret without the prefix (the plain strings
 * of earlier releases) is used as its UTF-8 bytes, which receivers using the package get with
 * `new Webhook(secret, { format: 'raw' })`. A setting may hold several secrets, separated by
 * commas or spaces, during a rotation: every one is accepted, and every one signs.
 */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** What a receiver got: any header may be missing. */
export type ReceivedWebhookHeaders = Partial<Record<keyof WebhookHeaders, string | undefined>>;

/** Why one secret is unusable, or undefined when it is fine (for the configuration's check). */
export function webhookSecretProblem(secret: string): string | undefined {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) {
    return secret.length >= 16 ? undefined : 'a plain secret must be at least 16 characters';
  }
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0) return 'whsec_ must be followed by base64';
  const bytes = Buffer.from(encoded, 'base64').length;
  return bytes >= 24 && bytes <= 64 ? undefined : 'a whsec_ key must be 24 to 64 bytes';
}

/** The secrets of one setting, in the order given: "whsec_a whsec_b" or "whsec_a,whsec_b". */
export function splitWebhookSecrets(setting: string): string[] {
  return setting.split(/[\s,]+/).filter(Boolean);
}

/** The key bytes of every secret of a setting. */
export function webhookKeys(setting: string): Buffer[] {
  return splitWebhookSecrets(setting).map((secret) =>
    secret.startsWith(WEBHOOK_SECRET_PREFIX)
      ? Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64')
      : Buffer.from(secret, 'utf8'),
  );
}

/** A new secret in the standard form: 32 random bytes. */
export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

function mac(key: Buffer, id: string, unixSeconds: number | string, rawBody: string): Buffer {
  return createHmac('sha256', key).update(`${id}.${unixSeconds}.${rawBody}`).digest();
}

/** The three headers of one delivery, signed with every secret of `setting`. */
export function signWebhook(
  setting: string,
  message: { id: string; unixSeconds: number; rawBody: string },
): WebhookHeaders {
  const signatures = webhookKeys(setting).map(
    (key) => `v1,${mac(key, message.id, message.unixSeconds, message.rawBody).toString('base64')}`,
  );
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(message.unixSeconds),
    'webhook-signature': signatures.join(' '),
  };
}

export type WebhookCheck = 'valid' | 'malformed' | 'stale' | 'mismatch';

/**
 * Checks a delivery against every secret of `setting`: the timestamp within `toleranceSeconds`
 * of now (either way), then any `v1` signature of the header matching, compared in constant time.
 */
export function verifyWebhook(
  setting: string,
  rawBody: string,
  headers: ReceivedWebhookHeaders,
  nowUnixSeconds: number,
  toleranceSeconds = 300,
): WebhookCheck {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const header = headers['webhook-signature'];
  if (!id || id.length > 255 || !timestamp || !/^\d{1,12}$/.test(timestamp) || !header) {
    return 'malformed';
  }
  const given = header
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice(3))
    .filter((signature) => BASE64.test(signature))
    .map((signature) => Buffer.from(signature, 'base64'));
  if (given.length === 0) return 'malformed';
  if (Math.abs(nowUnixSeconds - Number(timestamp)) > toleranceSeconds) return 'stale';
  for (const key of webhookKeys(setting)) {
    const expected = mac(key, id, timestamp, rawBody);
    for (const signature of given) {
      if (signature.length === expected.length && timingSafeEqual(signature, expected))
        return 'valid';
    }
  }
  return 'mismatch';
}
