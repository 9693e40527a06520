import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The buyer's payment page link, `/pay/<orderId>?t=<token>`: a capability signed with a server
 * secret. The token names the tenant and an expiry, and its MAC also covers the order id of
 * the path, so a token cannot be moved to another order, another tenant or a later date.
 *
 * Token: `<tenantId>.<expiry, unix seconds>.<base64url HMAC-SHA256>`.
 */
export interface PayLinks {
  /** The full URL of the order's page, valid `ttlHours` from `now`. */
  url(tenantId: string, orderId: string, now: Date): string;
  token(tenantId: string, orderId: string, now: Date): string;
  /** The tenant the token grants, or null when it is malformed, forged, foreign or expired. */
  verify(token: string, orderId: string, now: Date): { tenantId: string } | null;
}

const TOKEN = /^([a-z0-9][a-z0-9_-]{0,62})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** A key of its own for pay links, derived from a server secret with a label. */
export function derivePayLinkSecret(serverSecret: string): string {
  return createHmac('sha256', serverSecret).update('ordersession pay links v1').digest('hex');
}

export function createPayLinks(options: {
  secret: string;
  baseUrl: string;
  ttlHours: number;
}): PayLinks {
  const mac = (tenantId: string, orderId: string, expires: string) =>
    createHmac('sha256', options.secret)
      .update(`pay:${tenantId}:${orderId}:${expires}`)
      .digest('base64url');
  const token = (tenantId: string, orderId: string, now: Date) => {
    const expires = String(Math.floor(now.getTime() / 1000) + options.ttlHours * 3600);
    return `${tenantId}.${expires}.${mac(tenantId, orderId, expires)}`;
  };
  return {
    token,
    url: (tenantId, orderId, now) =>
      `${options.baseUrl}/pay/${encodeURIComponent(orderId)}?t=${token(tenantId, orderId, now)}`,
    verify(given, orderId, now) {
      const match = TOKEN.exec(given);
      if (!match) return null;
      const [, tenantId = '', expires = '', signature = ''] = match;
      const expected = Buffer.from(mac(tenantId, orderId, expires));
      const actual = Buffer.from(signature);
      if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
      if (Number(expires) * 1000 <= now.getTime()) return null;
      return { tenantId };
    },
  };
}
