import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import type { RequestContext } from '../../src/app/context.ts';
import { ERROR_MESSAGES } from '../../src/domain/errors.ts';
import { ADDRESS } from '../support/fixtures.ts';
import {
  mutateJson,
  NASTY_SEGMENTS,
  nastyValue,
  type Operation,
  operationsOf,
  poisonString,
  type Rng,
  sample,
  seeded,
} from '../support/fuzz.ts';
import { useHttp } from '../support/http.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

/**
 * Hundreds of malformed requests for every operation of the OpenAPI document, on each store:
 * wrong types, NUL and lone surrogates, huge and deeply nested bodies, bad encodings, long
 * paths and headers. Not one may answer 5xx or outside the envelope. Set FUZZ_SEED to replay a
 * run; every failure names its seed.
 */

const REQUESTS_PER_OPERATION = Number(process.env.FUZZ_REQUESTS ?? 200);
const BASE_SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const ERROR_CODES = new Set(Object.keys(ERROR_MESSAGES));

/**
 * The probes (/health, /ready, /metrics) take no input at all: a few requests show that
 * malformed extras change nothing. They are also the answers allowed a 503, in the envelope:
 * reporting a dependency that does not answer is their job (and /ready's migration check reads
 * the catalogue, which other test files' schema drops can briefly disturb).
 */
const takesInput = (op: Operation) => op.parameters.length > 0 || op.body !== undefined;
const requestsFor = (op: Operation) => (takesInput(op) ? REQUESTS_PER_OPERATION : 20);

interface World {
  tenant: string;
  productId: string;
  sku: string;
  sessionId: string;
  orderId: string;
  orderNumber: string;
}

/** Values for path parameters by name, so that many requests reach the handlers. */
function knownFor(op: Operation, w: World): Record<string, string> {
  const id = op.path.includes('/sessions/')
    ? w.sessionId
    : op.path.includes('/products/')
      ? w.productId
      : w.orderId;
  return {
    id,
    sku: w.sku,
    orderNumber: w.orderNumber,
    variantId: w.productId,
    uuid: randomUUID(),
    tenantId: w.tenant,
  };
}

/** Raw bodies that are not the JSON a route expects, or not JSON at all. */
function nastyRawBody(rng: Rng): string | Buffer {
  return rng.pick<() => string | Buffer>([
    () => '{"a":',
    () => '{"a":1,}',
    () => '[',
    () => `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
    () => `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
    () => '{"name":"\\ud800","line1":"\\u0000"}',
    () => '"\\u0000"',
    () => 'null',
    () => '123',
    () => 'true',
    () => '\ufeff{}',
    () => Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x22, 0x7d]),
    () => Buffer.alloc(100_000, 0x61),
    () => `{"x":"${'y'.repeat(70_000)}"}`,
    () => '{"__proto__":{"isAdmin":true}}',
    () => JSON.stringify({ items: Array.from({ length: 5_000 }, () => ({ quantity: 1 })) }),
  ])();
}

function pathWith(op: Operation, known: Record<string, string>, nasty?: string): string {
  const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const broken = nasty === undefined || names.length === 0 ? undefined : names[0];
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    name === broken ? (nasty as string) : encodeURIComponent(known[name] ?? 'x'),
  );
}

function queryOf(op: Operation, known: Record<string, string>, rng: Rng, nasty: boolean): string {
  const pairs: string[] = [];
  for (const p of op.parameters.filter((p) => p.in === 'query')) {
    if (!p.required && !rng.chance(0.3) && !nasty) continue;
    const value =
      nasty && rng.chance(0.5)
        ? rng.pick(NASTY_SEGMENTS)
        : encodeURIComponent(String(sample(p.schema, known, p.name)));
    pairs.push(`${p.name}=${value}`);
  }
  if (nasty) {
    pairs.push(
      rng.pick([
        `unknown=${rng.pick(NASTY_SEGMENTS)}`,
        'limit=1&limit=2',
        'limit[]=1',
        'a[b][c]=1',
        `limit=${'9'.repeat(400)}`,
        `q=${'a'.repeat(70_000)}`,
        '=&&=',
        '%00=%00',
      ]),
    );
  }
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

/** One request: a valid-looking one for `op`, with one or more things broken. */
function fuzzRequest(
  op: Operation,
  w: World,
  rng: Rng,
  gateway: (role: string, user: string) => Record<string, string>,
): InjectOptions {
  const known = knownFor(op, w);
  const role = rng.pick(['user', 'admin', 'seller']);
  let headers: Record<string, string> = {
    ...gateway(role, rng.pick(['buyer-1', 'buyer-2', 'admin-1', 'seller-1'])),
  };
  let body: unknown = op.body ? sample(op.body, known, '', rng) : undefined;
  if (op.method !== 'GET' && rng.chance(0.6)) headers['idempotency-key'] = `fuzz-${rng.int(1e9)}`;
  let raw: string | Buffer | undefined;
  let nastySegment: string | undefined;
  let nastyQuery = false;
  // One request in five keeps everything valid but one string: NUL or a lone surrogate in it.
  const poisoned = body !== undefined && rng.chance(0.2);
  if (poisoned) {
    // An admin with the buyer's id: owns the buyer's session and may do what staff do.
    headers = { ...gateway('admin', 'buyer-1') };
    body = poisonString(body, rng);
  }
  const mutations = poisoned ? 0 : 1 + rng.int(2);
  for (let m = 0; m < mutations; m++) {
    switch (rng.int(10)) {
      case 0:
      case 1:
      case 2:
        body = mutateJson(body ?? {}, rng);
        break;
      case 3:
        raw = nastyRawBody(rng);
        break;
      case 4:
        headers['content-type'] = rng.pick([
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/json; charset=latin1',
          'application/jsonx',
          'multipart/form-data; boundary=x',
          '',
        ]);
        raw = raw ?? safeStringify(body ?? {});
        break;
      case 5:
        nastySegment = rng.pick(NASTY_SEGMENTS);
        break;
      case 6:
        nastyQuery = true;
        break;
      case 7: {
        const name = rng.pick([
          'x-user-id',
          'x-tenant-id',
          'x-user-role',
          'idempotency-key',
          'x-service-auth',
          'x-service-name',
          'x-gateway-key',
          'x-request-id',
          'accept',
        ]);
        headers[name] = rng.pick([
          'a'.repeat(rng.pick([129, 256, 5_000])),
          'ÿþ',
          'Robert"); DROP',
          '../../x',
          ' ',
          'root',
          't=1,v1=zz',
          randomUUID(),
        ]);
        break;
      }
      case 8:
        headers = rng.chance(0.5) ? {} : { 'x-gateway-key': 'wrong-key-0000000000000000' };
        break;
      default:
        headers['idempotency-key'] = `fuzz-${rng.int(4)}`;
        body = body === undefined ? nastyValue(rng) : mutateJson(body, rng);
    }
  }
  const url = `${pathWith(op, known, nastySegment)}${queryOf(op, known, rng, nastyQuery)}`;
  const payload = raw ?? (body === undefined ? undefined : safeStringify(body));
  if (payload !== undefined && headers['content-type'] === undefined) {
    headers['content-type'] = 'application/json';
  }
  return {
    method: op.method as InjectOptions['method'],
    url,
    headers,
    ...(payload === undefined ? {} : { payload }),
  };
}

/** JSON text of a fuzzed value; keeps the escapes of lone surrogates and NUL as JSON does. */
function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return '{"unserialisable":true}';
  }
}

/**
 * The agent protocols' routes, at the root, answer in their protocol's own shape: UCP's a `ucp`
 * object (errors `ucp.status: error` with messages), ACP's errors `{type, code, message}`, MCP's
 * JSON-RPC. Everything else uses our envelope.
 */
type Protocol = 'ucp' | 'acp' | 'mcp' | 'ours';
function protocolOf(path: string): Protocol {
  if (/^\/(\.well-known\/ucp|catalog|checkout-sessions|orders|testing)\b/.test(path)) return 'ucp';
  if (/^\/checkout_sessions\b/.test(path)) return 'acp';
  if (/^\/mcp\b/.test(path)) return 'mcp';
  return 'ours';
}

function parsed(text: string): Record<string, unknown> | null {
  try {
    const json: unknown = JSON.parse(text);
    return json !== null && typeof json === 'object' ? (json as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function ucpProblem(status: number, text: string): string | null {
  const json = parsed(text) as {
    ucp?: { status?: string };
    messages?: { type?: string; code?: string }[];
  } | null;
  if (!json) return 'UCP answer is not JSON';
  if (typeof json.ucp !== 'object' || json.ucp === null) return 'UCP answer without ucp';
  if (status >= 400) {
    if (json.ucp.status !== 'error') return 'UCP error without ucp.status error';
    if (!json.messages?.some((m) => m.type === 'error' && typeof m.code === 'string'))
      return 'UCP error without an error message';
  }
  return null;
}

function acpProblem(status: number, text: string): string | null {
  const json = parsed(text);
  if (!json) return 'ACP answer is not JSON';
  if (status >= 400) {
    for (const field of ['type', 'code', 'message'])
      if (typeof json[field] !== 'string') return `ACP error without ${field}`;
  } else if (typeof json.id !== 'string') return 'ACP answer without an id';
  return null;
}

/** MCP speaks JSON-RPC (or an event stream of it); an error that is JSON must be JSON-RPC's. */
function mcpProblem(status: number, contentType: string | undefined, text: string): string | null {
  if (status < 400 || !/json/.test(contentType ?? '')) return null;
  const json = parsed(text);
  if (!json) return 'MCP error is not JSON';
  return json.jsonrpc === '2.0' && typeof json.error === 'object'
    ? null
    : 'MCP error outside JSON-RPC';
}

/** What every answer must be: below 500, and JSON in the envelope (errors always). */
function envelopeProblem(
  path: string,
  status: number,
  contentType: string | undefined,
  text: string,
): string | null {
  if (status >= 500) return `status ${status}`;
  // A URL refused before routing (bad percent-encoding, an over-long segment) cannot know its
  // protocol yet: it is answered in our envelope, naming the url, on every path.
  // An unknown route is no protocol's either.
  const refusedUrl =
    (status === 400 && /"field":"url"/.test(text)) ||
    (status === 404 && /"error":"ROUTE_NOT_FOUND"/.test(text)) ||
    // So is a body the server-wide JSON parser refused before the route's own code ran.
    /"error":"(UNSUPPORTED_MEDIA_TYPE|INVALID_JSON|PAYLOAD_TOO_LARGE)"/.test(text);
  const protocol = refusedUrl ? 'ours' : protocolOf(path);
  if (protocol === 'ucp') return ucpProblem(status, text);
  if (protocol === 'acp') return acpProblem(status, text);
  if (protocol === 'mcp') return mcpProblem(status, contentType, text);
  if (!/^application\/json/.test(contentType ?? '')) {
    return status >= 400 ? `error answered as ${contentType}` : null;
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return 'body is not JSON';
  }
  if (status >= 400) {
    if (json.success !== false) return 'error without success:false';
    if (!ERROR_CODES.has(String(json.error))) return `unknown error code ${String(json.error)}`;
    if (typeof json.message !== 'string') return 'error without a message';
    return null;
  }
  if (json.success !== true || !('data' in json)) return 'success without the envelope';
  return null;
}

describeEachStore('OpenAPI-driven fuzzing: no 5xx, nothing outside the envelope', (store) => {
  const http = useHttp(store);
  let world: World;

  beforeAll(async () => {
    const h = http();
    const tenant = newTenantId();
    const [product] = await h.seedProducts(tenant, { onHand: 10_000, sellerId: 'seller-1' });
    if (!product) throw new Error('no product');
    const ctx: RequestContext = { tenantId: tenant, userId: 'buyer-1', role: 'user' };
    const placed = await h.system.placeOrder(ctx, {
      items: [{ variantId: product.id, quantity: 1 }],
      shippingAddress: ADDRESS,
      idempotencyKey: randomUUID(),
    });
    if (!placed.ok) throw new Error(JSON.stringify(placed.error));
    const order = placed.value.orders[0];
    const begun = await h.system.sessions.begin(ctx);
    if (!order || !begun.ok) throw new Error('no order or session');
    await h.system.sessions.addItem(ctx, begun.value.id, { variantId: product.id, quantity: 1 });
    world = {
      tenant,
      productId: product.id,
      sku: product.sku,
      sessionId: begun.value.id,
      orderId: order.id,
      orderNumber: order.orderNumber,
    };
  });

  it(`sends ${REQUESTS_PER_OPERATION} malformed requests to every documented operation with input (20 to the probes)`, async () => {
    const h = http();
    const operations = operationsOf(h.app.swagger());
    expect(operations.length).toBeGreaterThan(25);
    const gateway = (role: string, user: string) => h.headers(world.tenant, user, role as 'user');
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const millis: Record<string, number> = {};
    for (const [index, op] of operations.entries()) {
      const started = performance.now();
      for (let i = 0; i < requestsFor(op); i++) {
        const seed = BASE_SEED + index * 100_003 + i;
        const request = fuzzRequest(op, world, seeded(seed), gateway);
        const response = await h.app.inject(request);
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        const probeUnavailable =
          !takesInput(op) &&
          response.statusCode === 503 &&
          response.json().error === 'SERVICE_UNAVAILABLE';
        const problem = probeUnavailable
          ? null
          : envelopeProblem(
              op.path,
              response.statusCode,
              response.headers['content-type'] as string | undefined,
              response.body,
            );
        if (problem) {
          failures.push(
            `${op.method} ${op.path} seed ${seed}: ${problem}: ${request.method} ${String(request.url).slice(0, 200)} ` +
              `headers ${JSON.stringify(request.headers).slice(0, 300)} body ${String(request.payload ?? '').slice(0, 200)} → ${response.body.slice(0, 300)}`,
          );
        }
      }
      millis[`${op.method} ${op.path}`] = Math.round(performance.now() - started);
    }
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    const slowest = Object.entries(millis)
      .sort(([, a], [, b]) => b - a)
      .slice(0, 5);
    console.log(`${operations.length} operations, ${total} requests; slowest (ms):`, slowest);
    console.log('answers by status:', Object.fromEntries(statuses));
    expect(total).toBe(operations.reduce((sum, op) => sum + requestsFor(op), 0));
    // Most requests must get past authentication, or the fuzzing proves little.
    expect(statuses.get(401) ?? 0).toBeLessThan(total / 3);
    const byOperation: Record<string, number> = {};
    for (const failure of failures) {
      const op = failure.split(' seed ')[0] ?? '';
      byOperation[op] = (byOperation[op] ?? 0) + 1;
    }
    expect(
      failures.slice(0, 10),
      `${failures.length} failures, by operation: ${JSON.stringify(byOperation)}`,
    ).toEqual([]);
  }, 240_000);
});
