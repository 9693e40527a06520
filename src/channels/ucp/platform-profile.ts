import type { SafeFetcher } from '../../outbound/safe-fetch.ts';

export interface PlatformProfiles {
  /** The order webhook URL the platform's profile declares; null when none or unreachable. */
  orderWebhookUrl(profileUrl: string | undefined): Promise<string | null>;
}

interface Entry {
  webhookUrl: string | null;
  until: number;
}

/** Reads `ucp.capabilities["dev.ucp.shopping.order"][*].config.webhook_url` from a profile. */
export function webhookUrlOf(profile: unknown): string | null {
  const ucp = (profile as { ucp?: { capabilities?: Record<string, unknown> } } | null)?.ucp;
  const order = ucp?.capabilities?.['dev.ucp.shopping.order'];
  const entries = Array.isArray(order) ? order : order ? [order] : [];
  for (const entry of entries) {
    const url = (entry as { config?: { webhook_url?: unknown } })?.config?.webhook_url;
    if (typeof url === 'string' && URL.canParse(url)) return url;
  }
  return null;
}

/**
 * Platform profiles, fetched through the outbound rules and kept for a while (a failure for a
 * shorter while), so that a platform's every request does not cost us a fetch.
 */
export function createPlatformProfiles(deps: {
  fetcher: SafeFetcher;
  now: () => number;
  ttlMs?: number;
  failureTtlMs?: number;
  maxEntries?: number;
  onError?: (profileUrl: string, err: unknown) => void;
}): PlatformProfiles {
  const ttl = deps.ttlMs ?? 5 * 60_000;
  const failureTtl = deps.failureTtlMs ?? 10_000;
  const max = deps.maxEntries ?? 1000;
  const cache = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<string | null>>();

  async function load(profileUrl: string): Promise<string | null> {
    try {
      const response = await deps.fetcher.fetch(profileUrl, {
        headers: { accept: 'application/json' },
      });
      if (response.status !== 200) throw new Error(`profile answered ${response.status}`);
      const webhookUrl = webhookUrlOf(JSON.parse(response.body));
      remember(profileUrl, { webhookUrl, until: deps.now() + ttl });
      return webhookUrl;
    } catch (err) {
      deps.onError?.(profileUrl, err);
      remember(profileUrl, { webhookUrl: null, until: deps.now() + failureTtl });
      return null;
    }
  }

  function remember(profileUrl: string, entry: Entry) {
    cache.delete(profileUrl);
    cache.set(profileUrl, entry);
    // Maps keep insertion order: the first key is the least recently stored.
    if (cache.size > max) cache.delete(cache.keys().next().value as string);
  }

  return {
    async orderWebhookUrl(profileUrl) {
      if (!profileUrl || !URL.canParse(profileUrl)) return null;
      const cached = cache.get(profileUrl);
      if (cached && cached.until > deps.now()) return cached.webhookUrl;
      let pending = inFlight.get(profileUrl);
      if (!pending) {
        pending = load(profileUrl).finally(() => inFlight.delete(profileUrl));
        inFlight.set(profileUrl, pending);
      }
      return pending;
    },
  };
}
