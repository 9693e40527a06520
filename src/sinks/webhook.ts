import type { EventSink } from '../app/outbox/ports.ts';
import { signPayload } from '../app/webhook-signature.ts';

export interface WebhookSinkOptions {
  /** Endpoints per tenant; `*` receives every tenant's events. */
  endpoints: Readonly<Record<string, readonly string[]>>;
  secret: string;
  timeoutMs: number;
  now?: () => Date;
}

/**
 * Signed HTTP POSTs. Headers: `Webhook-Id` (the outbox id, to de-duplicate on),
 * `Webhook-Timestamp`, and `Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.rawBody">`.
 * Only a 2xx counts; an event goes to every endpoint of its tenant, and a failure at any one
 * retries the event (so an endpoint may see an id twice).
 */
export function createWebhookSink(options: WebhookSinkOptions): EventSink {
  return {
    name: 'webhook',
    async publish(event) {
      const urls = [
        ...(options.endpoints[event.tenantId] ?? []),
        ...(options.endpoints['*'] ?? []),
      ];
      // No endpoint is a delivery failure, not a delivery: the event retries, then parks.
      if (urls.length === 0) throw new Error(`no webhook endpoint for tenant ${event.tenantId}`);
      const rawBody = JSON.stringify(event);
      const unix = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
      const signature = signPayload(options.secret, rawBody, unix);
      await Promise.all(
        urls.map(async (url) => {
          const response = await fetch(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'webhook-id': event.id,
              'webhook-timestamp': String(unix),
              'webhook-signature': signature,
            },
            body: rawBody,
            signal: AbortSignal.timeout(options.timeoutMs),
          });
          await response.body?.cancel();
          if (response.status < 200 || response.status >= 300) {
            throw new Error(`webhook ${url} answered ${response.status}`);
          }
        }),
      );
    },
    async close() {},
  };
}
