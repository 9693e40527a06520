import type { EventSink } from '../app/outbox/ports.ts';
import { signWebhook } from '../app/webhook-signature.ts';

export interface WebhookSinkOptions {
  /** Endpoints per tenant; `*` receives every tenant's events. */
  endpoints: Readonly<Record<string, readonly string[]>>;
  /** One `whsec_…` secret, or several (comma or space separated) during a rotation. */
  secret: string;
  timeoutMs: number;
  now?: () => Date;
}

/**
 * Signed HTTP POSTs by the Standard Webhooks specification: `Webhook-Id` (the outbox id, to
 * de-duplicate on), `Webhook-Timestamp`, `Webhook-Signature: v1,<base64>` (one per secret while
 * a rotation lasts, so a receiver holding either the old or the new secret verifies).
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
      const signed = signWebhook(options.secret, { id: event.id, unixSeconds: unix, rawBody });
      await Promise.all(
        urls.map(async (url) => {
          const response = await fetch(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...signed,
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
