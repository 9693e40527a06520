import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformProfiles } from '../../src/channels/ucp/platform-profile.ts';
import {
  createSafeFetcher,
  DEFAULT_OUTBOUND,
  isPublicAddress,
} from '../../src/outbound/safe-fetch.ts';

let server: Server;
let base = '';
let profileFetches = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/profile.json') {
      profileFetches++;
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          ucp: {
            capabilities: {
              'dev.ucp.shopping.order': [{ config: { webhook_url: 'https://p.example/hook' } }],
            },
          },
        }),
      );
    } else if (request.url === '/big') {
      response.end('x'.repeat(10_000));
    } else if (request.url === '/same-host') {
      response.writeHead(302, { location: '/profile.json' }).end();
    } else if (request.url === '/other-host') {
      response.writeHead(302, { location: 'http://example.com/profile.json' }).end();
    } else if (request.url === '/slow') {
      setTimeout(() => response.end('late'), 2000);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('outbound fetches on a caller’s word', () => {
  const local = {
    ...DEFAULT_OUTBOUND,
    httpsOnly: false,
    allowPrivate: true,
    timeoutMs: 500,
    maxBytes: 1000,
  };

  it('classifies addresses: only public unicast is public', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.0.1',
      '169.254.169.254',
      '::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
    expect(isPublicAddress('93.184.216.34')).toBe(true);
    expect(isPublicAddress('2606:2800:220:1:248:1893:25c8:1946')).toBe(true);
  });

  it('refuses loopback unless allowed, and http when https only', async () => {
    const strict = createSafeFetcher({ ...local, allowPrivate: false });
    await expect(strict.fetch(`${base}/profile.json`)).rejects.toThrow(/private/);
    await expect(strict.fetch('http://localhost:1/x')).rejects.toThrow(/private/);
    const https = createSafeFetcher({ ...local, httpsOnly: true });
    await expect(https.fetch(`${base}/profile.json`)).rejects.toThrow(/https/);
    await expect(https.fetch('ftp://example.com/x')).rejects.toThrow(/https/);
    await strict.close();
    await https.close();
  });

  it('bounds size and time, follows same-host redirects only', async () => {
    const fetcher = createSafeFetcher(local);
    expect((await fetcher.fetch(`${base}/same-host`)).status).toBe(200);
    await expect(fetcher.fetch(`${base}/other-host`)).rejects.toThrow(/cross-host/);
    await expect(fetcher.fetch(`${base}/big`)).rejects.toThrow(/larger/);
    await expect(fetcher.fetch(`${base}/slow`)).rejects.toThrow();
    await fetcher.close();
  });

  it('reads a platform profile once and keeps it for a while', async () => {
    let now = 0;
    const fetcher = createSafeFetcher(local);
    const profiles = createPlatformProfiles({ fetcher, now: () => now, ttlMs: 1000 });
    const before = profileFetches;
    const urls = await Promise.all(
      [1, 2, 3].map(() => profiles.orderWebhookUrl(`${base}/profile.json`)),
    );
    expect(urls).toEqual([
      'https://p.example/hook',
      'https://p.example/hook',
      'https://p.example/hook',
    ]);
    expect(profileFetches - before).toBe(1);
    now = 2000;
    await profiles.orderWebhookUrl(`${base}/profile.json`);
    expect(profileFetches - before).toBe(2);
    expect(await profiles.orderWebhookUrl('...')).toBeNull();
    expect(await profiles.orderWebhookUrl(`${base}/missing`)).toBeNull();
    await fetcher.close();
  });
});
