import { createServer, type Server } from 'node:http';

export interface ReceivedAcpWebhook {
  signature: string | undefined;
  raw: string;
  // biome-ignore lint/suspicious/noExplicitAny: the event as sent; tests read it by path.
  body: any;
}

/**
 * ACP's `Merchant-Signature` checked the way a platform would, written apart from ours (Web
 * Crypto, not node:crypto's createHmac): `t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`,
 * within five minutes of `nowSeconds`.
 */
export async function verifyMerchantSignature(
  secret: string,
  header: string | undefined,
  raw: string,
  nowSeconds: number,
): Promise<boolean> {
  const match = /^t=(\d+),v1=([a-f0-9]{64})$/.exec(header ?? '');
  if (!match) return false;
  const t = Number(match[1]);
  if (Math.abs(nowSeconds - t) > 300) return false;
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const mac = Uint8Array.from((match[2] ?? '').match(/../g) ?? [], (h) => Number.parseInt(h, 16));
  return crypto.subtle.verify('HMAC', key, mac, encoder.encode(`${match[1]}.${raw}`));
}

/** A fake ACP platform's order-events receiver on loopback; it answers 503 `failFirst` times. */
export async function startAcpPlatform(failFirst = 0): Promise<{
  webhookUrl: string;
  received: ReceivedAcpWebhook[];
  refused: number;
  close(): Promise<void>;
}> {
  const state = { received: [] as ReceivedAcpWebhook[], refused: 0 };
  let failures = failFirst;
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        state.refused += 1;
        response.statusCode = 503;
        response.end();
        return;
      }
      const header = request.headers['merchant-signature'];
      state.received.push({
        signature: typeof header === 'string' ? header : undefined,
        raw,
        body: JSON.parse(raw),
      });
      response.statusCode = 200;
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    webhookUrl: `http://127.0.0.1:${address.port}/agentic_checkout/webhooks/order_events`,
    get received() {
      return state.received;
    },
    get refused() {
      return state.refused;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
