import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_RELAY, type RelayOptions, relayOutbox } from '../../src/app/outbox/relay.ts';
import { verifyWebhook } from '../../src/app/webhook-signature.ts';
import { loadConfig } from '../../src/config.ts';
import type { EventEnvelope } from '../../src/domain/outbox.ts';
import { relayOptions } from '../../src/service.ts';
import { createSink } from '../../src/sinks/index.ts';
import { appendOutboxEvents } from '../../src/store/sql/outbox.repository.ts';
import { createSqlOutboxStore } from '../../src/store/sql/outbox-relay.store.ts';
import { manualClock } from '../support/clock.ts';
import { useHttp } from '../support/http.ts';
import {
  expectDelivered,
  ordersWithEvents,
  outboxEvent,
  outboxRow,
  relayUntilIdle,
  tenantOutbox,
} from '../support/outbox.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

const KEY = Buffer.alloc(32, 42);
const SECRET = `whsec_${KEY.toString('base64')}`;
const NEXT_KEY = Buffer.alloc(32, 43);
const NEXT_SECRET = `whsec_${NEXT_KEY.toString('base64')}`;

interface Hit {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  envelope: EventEnvelope;
}

/**
 * The consumer: records every POST; `/fail…` answers 500, `/hang…` never answers, anything else
 * 202 (a 2xx other than 200).
 */
const hits: Hit[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '';
    const envelope = JSON.parse(rawBody) as EventEnvelope;
    hits.push({ method: req.method ?? '', path, headers: req.headers, rawBody, envelope });
    if (path.startsWith('/hang')) return;
    res.writeHead(path.startsWith('/fail') ? 500 : 202, { 'content-type': 'text/plain' });
    res.end('ok');
  });
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
const hitsAt = (path: string) => hits.filter((hit) => hit.path === path);

/** The sink and relay options as `startService` builds them from these settings. */
function webhookSink(
  endpoints: Record<string, string[]>,
  secret = SECRET,
  // Short only where a timeout is the point: on a loaded machine 300 ms can pass before an answer.
  timeoutMs = 3000,
) {
  const config = loadConfig({
    OUTBOX_SINK: 'webhook',
    OUTBOX_WEBHOOK_ENDPOINTS: JSON.stringify(endpoints),
    OUTBOX_WEBHOOK_SECRET: secret,
    OUTBOX_PUBLISH_TIMEOUT_MS: String(timeoutMs),
    OUTBOX_MAX_ATTEMPTS: '3',
  });
  const sink = createSink(config.outbox, {
    logger: pino({ level: 'silent' }),
    webhookSecret: config.outbox.webhook.secret ?? '',
  });
  if (!sink) throw new Error('no webhook sink');
  const options: RelayOptions = { ...DEFAULT_RELAY, ...relayOptions(config), random: () => 0.5 };
  return { sink, options };
}

describeEachStore('webhook sink', (store) => {
  const http = useHttp(store);
  const db = () => store().db;

  it('POSTs each event once, in order per order, signed by Standard Webhooks (the standardwebhooks package verifies it) with Webhook-Id = envelope id', async () => {
    const { tenantId } = await ordersWithEvents(http(), {
      orders: 3,
      paid: 1,
      failed: 1,
      expire: true,
    });
    const rows = await tenantOutbox(db(), tenantId);
    const path = `/ok-${tenantId}`;
    const { sink, options } = webhookSink({ [tenantId]: [`${base}${path}`] });
    const run = await relayUntilIdle({ store: store(), sink, clock: manualClock() }, options);
    expect({ failed: run.failed, parked: run.parked }).toEqual({ failed: 0, parked: 0 });

    const got = hitsAt(path);
    expectDelivered(
      got.map((hit) => hit.envelope),
      rows,
      true,
    );
    const now = Math.floor(Date.now() / 1000);
    const receiver = new Webhook(SECRET);
    for (const hit of got) {
      expect(hit.method).toBe('POST');
      expect(hit.headers['content-type']).toBe('application/json');
      expect(hit.headers['webhook-id']).toBe(hit.envelope.id);
      const headers = {
        'webhook-id': String(hit.headers['webhook-id']),
        'webhook-timestamp': String(hit.headers['webhook-timestamp']),
        'webhook-signature': String(hit.headers['webhook-signature']),
      };
      const [, v1] = /^v1,([A-Za-z0-9+/]{43}=)$/.exec(headers['webhook-signature']) ?? [];
      expect(v1).toBeDefined();
      expect(Math.abs(Number(headers['webhook-timestamp']) - now)).toBeLessThan(60);
      // A receiver's check with the reference library, and by the specification by hand.
      expect(receiver.verify(hit.rawBody, headers)).toEqual(hit.envelope);
      expect(v1).toBe(
        createHmac('sha256', KEY)
          .update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${hit.rawBody}`)
          .digest('base64'),
      );
      expect(verifyWebhook(SECRET, hit.rawBody, headers, now)).toBe('valid');
      // The library refuses what is not ours: another secret, a changed body, id or timestamp.
      expect(() => new Webhook(NEXT_SECRET).verify(hit.rawBody, headers)).toThrow(
        /No matching signature/,
      );
      expect(() => receiver.verify(`${hit.rawBody} `, headers)).toThrow(/No matching signature/);
      expect(() =>
        receiver.verify(hit.rawBody, { ...headers, 'webhook-id': `${headers['webhook-id']}x` }),
      ).toThrow(/No matching signature/);
      expect(() =>
        receiver.verify(hit.rawBody, {
          ...headers,
          'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1),
        }),
      ).toThrow(/No matching signature/);
      expect(verifyWebhook(NEXT_SECRET, hit.rawBody, headers, now)).toBe('mismatch');
      expect(verifyWebhook(SECRET, `${hit.rawBody} `, headers, now)).toBe('mismatch');
    }
  });

  it('signs with both secrets during a rotation, so a receiver holding either one verifies', async () => {
    const tenantId = newTenantId();
    const event = outboxEvent(tenantId, uuidv7(), 'test.rotated');
    await appendOutboxEvents(db(), [event]);
    const path = `/ok-rotation-${tenantId}`;
    const { sink, options } = webhookSink(
      { [tenantId]: [`${base}${path}`] },
      `${NEXT_SECRET},${SECRET}`,
    );
    await relayUntilIdle({ store: store(), sink, clock: manualClock() }, options);
    const [hit] = hitsAt(path);
    if (!hit) throw new Error('no delivery');
    const headers = {
      'webhook-id': String(hit.headers['webhook-id']),
      'webhook-timestamp': String(hit.headers['webhook-timestamp']),
      'webhook-signature': String(hit.headers['webhook-signature']),
    };
    expect(headers['webhook-signature']).toMatch(/^v1,\S{44} v1,\S{44}$/);
    expect(new Webhook(SECRET).verify(hit.rawBody, headers)).toMatchObject({ id: event.id });
    expect(new Webhook(NEXT_SECRET).verify(hit.rawBody, headers)).toMatchObject({ id: event.id });
    const third = `whsec_${Buffer.alloc(32, 44).toString('base64')}`;
    expect(() => new Webhook(third).verify(hit.rawBody, headers)).toThrow(/No matching/);
  });

  it('signs with a plain (pre-whsec_) secret as its bytes: the package verifies it in raw format', async () => {
    const plain = 'outbox-webhook-secret-0123456789';
    const tenantId = newTenantId();
    const event = outboxEvent(tenantId, uuidv7(), 'test.plain');
    await appendOutboxEvents(db(), [event]);
    const path = `/ok-plain-${tenantId}`;
    const { sink, options } = webhookSink({ [tenantId]: [`${base}${path}`] }, plain);
    await relayUntilIdle({ store: store(), sink, clock: manualClock() }, options);
    const [hit] = hitsAt(path);
    if (!hit) throw new Error('no delivery');
    const headers = {
      'webhook-id': String(hit.headers['webhook-id']),
      'webhook-timestamp': String(hit.headers['webhook-timestamp']),
      'webhook-signature': String(hit.headers['webhook-signature']),
    };
    expect(new Webhook(plain, { format: 'raw' }).verify(hit.rawBody, headers)).toMatchObject({
      id: event.id,
    });
  });

  it('routes by tenant: a tenant endpoint gets only that tenant’s events, "*" gets every tenant’s', async () => {
    const a = await ordersWithEvents(http(), { orders: 2, paid: 1 });
    const b = await ordersWithEvents(http(), { orders: 1 });
    const c = newTenantId(); // no endpoint of its own
    await appendOutboxEvents(db(), [outboxEvent(c, uuidv7(), 'test.only_star')]);
    const tag = uuidv7();
    const at = (name: string) => `/${name}-${tag}`;
    const { sink, options } = webhookSink({
      [a.tenantId]: [`${base}${at('a')}`],
      [b.tenantId]: [`${base}${at('b')}`, `${base}${at('b2')}`],
      '*': [`${base}${at('all')}`],
    });
    await relayUntilIdle({ store: store(), sink, clock: manualClock() }, options);

    const idsOf = async (...tenants: string[]) => {
      const ids: string[] = [];
      for (const tenant of tenants)
        ids.push(...(await tenantOutbox(db(), tenant)).map((r) => r.id));
      return ids.sort();
    };
    const idsAt = (name: string, tenants?: string[]) =>
      hitsAt(at(name))
        .filter((hit) => !tenants || tenants.includes(hit.envelope.tenantId))
        .map((hit) => hit.envelope.id)
        .sort();
    expect(idsAt('a')).toEqual(await idsOf(a.tenantId));
    expect(idsAt('b')).toEqual(await idsOf(b.tenantId));
    expect(idsAt('b2')).toEqual(await idsOf(b.tenantId));
    const ours = [a.tenantId, b.tenantId, c];
    expect(idsAt('all', ours)).toEqual(await idsOf(...ours));
  });

  it('retries an event its endpoint answers 500 to, with growing backoff, and parks it after OUTBOX_MAX_ATTEMPTS', async () => {
    const tenantId = newTenantId();
    const aggregate = uuidv7();
    const first = outboxEvent(tenantId, aggregate, 'test.first');
    const second = outboxEvent(tenantId, aggregate, 'test.second');
    await appendOutboxEvents(db(), [first, second]);
    const path = `/fail-${tenantId}`;
    const { sink, options } = webhookSink({ [tenantId]: [`${base}${path}`] });
    const clock = manualClock();
    const relay = () => relayUntilIdle({ store: store(), sink, clock }, options);

    const delays: number[] = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      expect(await relay()).toMatchObject({ failed: 1, parked: 0 });
      const row = await outboxRow(db(), tenantId, first.id);
      expect(row).toMatchObject({ attempts: attempt, published_at: null, parked_at: null });
      expect(row.last_error).toBe(`webhook ${base}${path} answered 500`);
      const next = row.next_attempt_at ?? new Date(0);
      delays.push(next.getTime() - clock.now().getTime());
      await relay(); // not due yet: no request
      expect(hitsAt(path)).toHaveLength(attempt);
      clock.set(next);
    }
    expect(delays).toEqual([500, 1_000]); // 1 s doubling, times the fixed draw of 0.5
    expect(await relay()).toMatchObject({ failed: 0, parked: 1 });
    const parked = await outboxRow(db(), tenantId, first.id);
    expect(parked).toMatchObject({ attempts: 3, published_at: null });
    expect(parked.parked_at).toEqual(clock.now());

    clock.advanceMinutes(60);
    await relay();
    // Never a fourth try, and the next event of the order was never sent ahead of it.
    expect(hitsAt(path).map((hit) => hit.headers['webhook-id'])).toEqual([
      first.id,
      first.id,
      first.id,
    ]);
    expect((await outboxRow(db(), tenantId, second.id)).attempts).toBe(0);
  });

  it('gives up on an endpoint that never answers after OUTBOX_PUBLISH_TIMEOUT_MS (300 ms) and retries later', {
    timeout: 10_000,
  }, async () => {
    const tenantId = newTenantId();
    const event = outboxEvent(tenantId, uuidv7(), 'test.first');
    await appendOutboxEvents(db(), [event]);
    const path = `/hang-${tenantId}`;
    const { sink, options } = webhookSink({ [tenantId]: [`${base}${path}`] }, SECRET, 300);
    const clock = manualClock();

    const started = performance.now();
    const run = await relayOutbox({ store: createSqlOutboxStore(db()), sink, clock }, options);
    const elapsed = performance.now() - started;
    expect(run).toMatchObject({ published: 0, failed: 1 });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2_000);
    expect(hitsAt(path)).toHaveLength(1);
    const row = await outboxRow(db(), tenantId, event.id);
    expect(row).toMatchObject({ attempts: 1, published_at: null, parked_at: null });
    expect(row.last_error).toMatch(/timeout|aborted/i);
    expect(row.next_attempt_at?.getTime()).toBeGreaterThan(clock.now().getTime());

    clock.set(row.next_attempt_at ?? new Date(0));
    await relayOutbox({ store: createSqlOutboxStore(db()), sink, clock }, options);
    expect(hitsAt(path)).toHaveLength(2);
    expect((await outboxRow(db(), tenantId, event.id)).attempts).toBe(2);
  });
});
