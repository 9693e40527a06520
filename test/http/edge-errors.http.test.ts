import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/app/context.ts';
import { paymentWebhookSchema } from '../../src/app/payments/receive-webhook.ts';
import { findUnstorableText } from '../../src/domain/text.ts';
import { parseInput } from '../../src/domain/validation.ts';
import { openHttpWith, testConfig } from '../support/configured-http.ts';
import { ADDRESS } from '../support/fixtures.ts';
import { expectEnvelope, type HttpHarness, useHttp } from '../support/http.ts';
import { freePort } from '../support/ports.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

/**
 * Every answer in the envelope, whatever goes wrong at the edge (Fastify's routing errors, Node's
 * parser, slow clients), and text the database cannot store refused as a 400 naming the field.
 */

interface RawAnswer {
  text: string;
  status: number;
  json: unknown;
  /** The connection was reset instead of closed. */
  reset: boolean;
  /** Milliseconds from the first byte sent to the connection's end. */
  closedAfterMs: number;
}

/** Talks to a listening server over a real socket: sends each chunk after its delay. */
function exchange(
  port: number,
  chunks: { data: string | Buffer; afterMs?: number }[],
  timeoutMs = 10_000,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect({ port, host: '127.0.0.1' });
    const received: Buffer[] = [];
    let reset = false;
    const timers: NodeJS.Timeout[] = [];
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no end within ${timeoutMs} ms; got ${Buffer.concat(received)}`));
    }, timeoutMs);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') reset = true;
      else reject(err);
    });
    socket.on('close', () => {
      clearTimeout(guard);
      for (const t of timers) clearTimeout(t);
      const text = Buffer.concat(received).toString();
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
      resolve({ text, status, json, reset, closedAfterMs: Date.now() - started });
    });
    socket.on('connect', () => {
      let at = 0;
      for (const chunk of chunks) {
        at += chunk.afterMs ?? 0;
        timers.push(
          setTimeout(() => {
            if (!socket.destroyed) socket.write(chunk.data);
          }, at),
        );
      }
    });
  });
}

describe('text the database can store', () => {
  it('finds NUL and lone surrogates in strings and keys at any depth, and passes pairs', () => {
    expect(findUnstorableText({ a: [{ b: 'x\u0000y' }] })?.path).toEqual(['a', 0, 'b']);
    expect(findUnstorableText({ a: '\ud800' })?.path).toEqual(['a']);
    expect(findUnstorableText({ a: 'x\udc00' })?.path).toEqual(['a']);
    expect(findUnstorableText({ 'k\u0000': 1 })?.path).toEqual(['k\u0000']);
    expect(findUnstorableText({ a: 'emoji 😀 and ü', b: [1, null, true] })).toBeNull();
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnstorableText(deep)).toEqual({
      path: Array(33).fill(0),
      reason: 'must not nest deeper than 32 levels',
    });
  });

  it('refuses it in every use case input (parseInput), naming the field', () => {
    const parsed = parseInput(paymentWebhookSchema, {
      id: 'evt_\u0000',
      type: 'payment.succeeded',
      created: 1,
      data: { tenantId: 't', paymentId: 'p' },
    });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.code).toBe('VALIDATION_FAILED');
      expect(parsed.error.details).toEqual({ field: 'id' });
    }
  });
});

describeEachStore('every answer in the envelope', (store) => {
  const http = useHttp(store);
  const buyer = (h: HttpHarness, tenant: string) => h.headers(tenant, 'buyer-1');

  async function expectField(
    h: HttpHarness,
    options: Parameters<HttpHarness['send']>[0],
    field: string,
  ): Promise<void> {
    const answer = await h.send(options);
    expect([answer.status, answer.body.error], JSON.stringify(answer.body)).toEqual([
      400,
      'VALIDATION_FAILED',
    ]);
    expect(answer.body.details).toEqual({ field });
  }

  it('refuses NUL and lone surrogates in paths, queries and bodies with 400 naming the field', async () => {
    const h = http();
    const tenant = newTenantId();
    const headers = buyer(h, tenant);
    const json = { ...headers, 'content-type': 'application/json' };
    await expectField(
      h,
      { method: 'GET', url: '/api/orders/number/abc%00def', headers },
      'params.orderNumber',
    );
    await expectField(
      h,
      { method: 'GET', url: '/api/orders/number/abc%ED%A0%80def', headers },
      'url',
    );
    await expectField(
      h,
      {
        method: 'GET',
        url: '/api/admin/orders?orderNumber=a%00',
        headers: h.headers(tenant, 'a', 'admin'),
      },
      'querystring.orderNumber',
    );
    const [product] = await h.seedProducts(tenant, {});
    const order = (line1: string) => ({
      method: 'POST' as const,
      url: '/api/orders',
      headers: { ...json, 'idempotency-key': randomUUID() },
      payload: `{"items":[{"variantId":"${product?.id}","quantity":1}],"shippingAddress":{"name":"A","line1":"${line1}","city":"C","postalCode":"1","country":"US"}}`,
    });
    await expectField(h, order('a\\u0000b'), 'body.shippingAddress.line1');
    await expectField(h, order('a\\ud800b'), 'body.shippingAddress.line1');
    await expectField(h, order('a\\udfffb'), 'body.shippingAddress.line1');
    const ok = await h.send(order('a \\ud83d\\ude00 b'));
    expect(ok.status).toBe(201);
    await expectField(
      h,
      {
        method: 'POST',
        url: '/api/admin/products',
        headers: { ...h.headers(tenant, 'a', 'admin'), 'content-type': 'application/json' },
        payload: JSON.stringify({ sku: 'S-1', name: 'x\u0000', priceCents: 1, currency: 'USD' }),
      },
      'body.name',
    );
    const ctx: RequestContext = { tenantId: tenant, userId: 'buyer-1', role: 'user' };
    const placed = await h.system.placeOrder(ctx, {
      items: [{ variantId: product?.id ?? '', quantity: 1 }],
      shippingAddress: { ...ADDRESS, city: '\ud800' },
      idempotencyKey: randomUUID(),
    });
    expect(placed.ok ? null : placed.error.details).toEqual({ field: 'shippingAddress.city' });
  });

  it('answers routing errors in the envelope: bad percent-encoding, long parameters', async () => {
    const h = http();
    const headers = buyer(h, newTenantId());
    await expectField(h, { method: 'GET', url: '/api/orders/%ZZ', headers }, 'url');
    await expectField(h, { method: 'GET', url: '/api/orders/%E0%A4%A', headers }, 'url');
    await expectField(
      h,
      { method: 'GET', url: `/api/orders/number/${'a'.repeat(150)}`, headers },
      'params.orderNumber',
    );
    await expectField(h, { method: 'GET', url: `/api/orders/${'a'.repeat(501)}`, headers }, 'url');
    const unknown = await h.send({ method: 'PATCH', url: '/api/orders', headers });
    expect([unknown.status, unknown.body.error]).toEqual([404, 'ROUTE_NOT_FOUND']);
  });
});

describeEachStore('the edge of a listening server', (store) => {
  let h: HttpHarness | undefined;
  let port = 0;
  const TIMEOUTS = { requestMs: 1_500, headersMs: 1_000 };
  beforeAll(async () => {
    h = await openHttpWith(store(), testConfig({ httpTimeouts: TIMEOUTS }));
    port = await freePort();
    await h.app.listen({ port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await h?.close();
  });

  function expectRawEnvelope(answer: RawAnswer, status: number, code: string): void {
    expect(answer.status, answer.text).toBe(status);
    expectEnvelope(status, answer.json);
    expect((answer.json as { error: string }).error).toBe(code);
    expect(answer.reset, 'the connection was reset before the answer was read').toBe(false);
  }

  it('answers headers over 16 KB with 431 in the envelope', async () => {
    const answer = await exchange(port, [
      { data: `GET /health HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n` },
    ]);
    expectRawEnvelope(answer, 431, 'HEADERS_TOO_LARGE');
  });

  it('answers a 70 KB query string with 431 in the envelope, without resetting the connection', async () => {
    const answer = await exchange(port, [
      { data: `GET /api/orders?x=${'a'.repeat(70_000)} HTTP/1.1\r\nhost: x\r\n\r\n` },
    ]);
    expectRawEnvelope(answer, 431, 'HEADERS_TOO_LARGE');
  });

  it('answers malformed HTTP with 400 MALFORMED_REQUEST in the envelope', async () => {
    for (const data of [
      'GET /health HTTP/1.1\r\nbad header line\r\n\r\n',
      'BR€W /health HTTP/1.1\r\nhost: x\r\n\r\n',
      'POST /api/orders HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n',
    ]) {
      const answer = await exchange(port, [{ data }]);
      expectRawEnvelope(answer, 400, 'MALFORMED_REQUEST');
    }
  });

  it('cuts off a client sending its body one byte every two seconds: 408 in the envelope', async () => {
    const gateway = Object.entries(h?.headers('demo', 'slow-buyer') ?? {})
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    const head = `POST /api/sessions HTTP/1.1\r\nhost: x\r\n${gateway}content-type: application/json\r\ncontent-length: 20\r\n\r\n`;
    const answer = await exchange(port, [
      { data: head },
      ...Array.from({ length: 10 }, () => ({ data: ' ', afterMs: 2_000 })),
    ]);
    expectRawEnvelope(answer, 408, 'REQUEST_TIMEOUT');
    expect(answer.closedAfterMs).toBeLessThan(TIMEOUTS.requestMs + 2_000);
  });

  it('cuts off a client sending its headers slowly: 408 in the envelope', async () => {
    const answer = await exchange(port, [
      { data: 'GET /health HTTP/1.1\r\n' },
      ...Array.from({ length: 10 }, (_, i) => ({ data: `x-h${i}: 1\r\n`, afterMs: 500 })),
    ]);
    expectRawEnvelope(answer, 408, 'REQUEST_TIMEOUT');
    expect(answer.closedAfterMs).toBeLessThan(TIMEOUTS.headersMs + 2_000);
  });

  it('still serves a well-behaved client', async () => {
    const answer = await exchange(port, [
      { data: 'GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n' },
    ]);
    expect(answer.status).toBe(200);
  });
});
