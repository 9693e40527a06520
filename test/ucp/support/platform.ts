import { createServer, type Server } from 'node:http';

export interface ReceivedWebhook {
  eventType: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: the order as sent; tests read it by path.
  body: any;
}

/** A fake agent platform on loopback: its UCP profile (naming its webhook URL) and the receiver. */
export async function startPlatform(): Promise<{
  profileUrl: string;
  webhookUrl: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}> {
  const received: ReceivedWebhook[] = [];
  let base = '';
  const server: Server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/profile.json') {
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          ucp: {
            version: '2026-04-08',
            capabilities: {
              'dev.ucp.shopping.order': [
                { version: '2026-04-08', config: { webhook_url: `${base}/webhooks/order` } },
              ],
            },
          },
        }),
      );
      return;
    }
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      received.push({
        eventType: request.headers['x-event-type'] as string | undefined,
        headers: request.headers,
        body: JSON.parse(text),
      });
      response.end('{"status":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${address.port}`;
  return {
    profileUrl: `${base}/profile.json`,
    webhookUrl: `${base}/webhooks/order`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
