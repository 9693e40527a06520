import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, request } from 'undici';

/**
 * Fetching a URL that a caller gave us (a platform profile, a webhook URL): the rules the
 * project keeps for every such request. https only in production; private, loopback and
 * link-local addresses refused (checked on the address actually connected to, so a DNS answer
 * that changes between check and connect cannot slip through) unless allowed; a bound on time
 * and on the size of the answer; redirects followed only on the same host.
 */
export interface OutboundPolicy {
  /** Only https URLs. */
  httpsOnly: boolean;
  /** Private, loopback and link-local addresses allowed (tests, local development). */
  allowPrivate: boolean;
  timeoutMs: number;
  maxBytes: number;
  /** Same-host redirects followed; 0 refuses every redirect. */
  maxRedirects: number;
}

export const DEFAULT_OUTBOUND: OutboundPolicy = {
  httpsOnly: true,
  allowPrivate: false,
  timeoutMs: 3000,
  maxBytes: 256 * 1024,
  maxRedirects: 3,
};

export class OutboundRefused extends Error {}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Only public unicast addresses are reachable without `allowPrivate`. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const refused = addresses.find((a) => !allowPrivate && !isPublicAddress(a.address));
      if (refused || addresses.length === 0) {
        return callback(
          new OutboundRefused(`${hostname} resolves to a private address (${refused?.address})`),
          '',
          0,
        );
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

function checkUrl(raw: string, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefused(`not a URL: ${raw.slice(0, 200)}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !policy.httpsOnly)) {
    throw new OutboundRefused(`only ${policy.httpsOnly ? 'https' : 'http(s)'} URLs are fetched`);
  }
  if (url.username || url.password) throw new OutboundRefused('URLs with credentials are refused');
  // A literal address never goes through the lookup, so it is checked here.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host) && !policy.allowPrivate && !isPublicAddress(host)) {
    throw new OutboundRefused(`${host} is a private address`);
  }
  return url;
}

export interface SafeFetcher {
  fetch(
    url: string,
    init?: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
  ): Promise<OutboundResponse>;
  close(): Promise<void>;
}

export function createSafeFetcher(policy: OutboundPolicy): SafeFetcher {
  const agent = new Agent({
    connect: { lookup: guardedLookup(policy.allowPrivate), timeout: policy.timeoutMs },
    headersTimeout: policy.timeoutMs,
    bodyTimeout: policy.timeoutMs,
  });
  return {
    async fetch(raw, init = {}) {
      let url = checkUrl(raw, policy);
      const signal = AbortSignal.timeout(policy.timeoutMs);
      for (let hop = 0; ; hop++) {
        const response = await request(url, {
          method: init.method ?? 'GET',
          headers: init.headers ?? {},
          ...(init.body === undefined ? {} : { body: init.body }),
          dispatcher: agent,
          signal,
        });
        const location = response.headers.location;
        if (response.statusCode >= 300 && response.statusCode < 400 && location) {
          await response.body.dump();
          const next = checkUrl(new URL(String(location), url).toString(), policy);
          if (next.host !== url.host) throw new OutboundRefused('cross-host redirect refused');
          if (hop >= policy.maxRedirects) throw new OutboundRefused('too many redirects');
          url = next;
          continue;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of response.body) {
          size += (chunk as Buffer).length;
          if (size > policy.maxBytes) {
            response.body.destroy();
            throw new OutboundRefused(`answer larger than ${policy.maxBytes} bytes`);
          }
          chunks.push(chunk as Buffer);
        }
        return {
          status: response.statusCode,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
      }
    },
    close: () => agent.close(),
  };
}
