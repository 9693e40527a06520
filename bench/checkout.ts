/**
 * checkout: virtual buyers run the whole flow over HTTP (begin, add item, shipping, payment
 * method, submit, signed payment webhook) until their order is paid; then POST /api/orders
 * alone. Baseline: GET /health at the same concurrency, in the same run.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sandboxWebhook } from '../src/providers/sandbox.ts';
import { Api, type Caller } from './lib/http.ts';
import { expect, healthPhase, type PhaseResult, runPhase, warmUp } from './lib/phase.ts';
import {
  type BenchContext,
  type BenchReport,
  type Check,
  checksTable,
  type Target,
} from './lib/report.ts';
import { type SeededProduct, SHIPPING_ADDRESS, seedProducts } from './lib/seed.ts';
import { profileDirFor, type ServerChild, startServerChild } from './lib/server-child.ts';
import { fixed, ratio, type Table } from './lib/table.ts';
import { openTarget } from './lib/target.ts';

const TENANT = 'bench';
const SKUS = 1000;
const FLOW_STEPS = ['begin', 'add-item', 'shipping', 'payment-method', 'submit', 'webhook'];

interface Submitted {
  orders: { id: string; status: string }[];
  payments: { paymentId: string; orderId: string }[];
}

export async function checkout(context: BenchContext): Promise<BenchReport> {
  const levels = context.concurrency ?? [10, 50];
  const target = await openTarget(context.store, 'checkout');
  const profileDir = context.profile ? profileDirFor(`${context.runId}-checkout`) : undefined;
  let server: ServerChild | undefined;
  let api: Api | undefined;
  try {
    context.log(`store: ${target.describe}`);
    server = await startServerChild(target, { profileDir, workers: context.workers });
    api = new Api(server.address, server.gatewayKey, Math.max(...levels, 20));
    context.log(`server pid ${server.pid} at ${server.address}; seeding ${SKUS} SKUs`);
    const products = await seedProducts(api, TENANT, {
      count: SKUS,
      onHand: 1_000_000,
      prefix: 'CK',
    });
    await warmUp(api, Math.max(...levels));
    context.log('priming: 3 s of flows and orders at concurrency 10 (not measured), then ANALYZE');
    const primed = (await flowPhase(server, api, products, 10, 3000, 'prime')).completed;
    await directPhase(server, api, products, 10, 2000, 'prime');
    if (context.analyze) await server.analyze();

    const health = new Map<number, PhaseResult>();
    const flows = new Map<number, PhaseResult>();
    const direct = new Map<number, PhaseResult>();
    for (const c of levels) {
      context.log(`GET /health at concurrency ${c}`);
      health.set(c, await healthPhase(server, api, c, context.durationMs));
      context.log(`checkout flow at concurrency ${c}`);
      flows.set(c, await flowPhase(server, api, products, c, context.durationMs, `c${c}`));
      context.log(`POST /api/orders at concurrency ${c}`);
      direct.set(c, await directPhase(server, api, products, c, context.durationMs, `c${c}`));
    }

    context.log('counting paid orders through GET /api/admin/orders?status=paid');
    const paidListed = await countOrders(api, 'paid');
    const paidReported =
      primed + [...flows.values()].reduce((sum, phase) => sum + phase.completed, 0);

    const checks: Check[] = [
      {
        name: 'every completed flow is a paid order',
        ok: paidListed === paidReported,
        detail: `${paidListed} paid listed, ${paidReported} flows completed (priming included)`,
      },
      ...[...flows.values(), ...direct.values(), ...health.values()].map((phase) => ({
        name: `${phase.name} c=${phase.concurrency}: no 5xx`,
        ok: phase.serverErrors === 0,
        detail: `${phase.serverErrors} 5xx, ${phase.errors} errors`,
      })),
    ];
    const targets = checkoutTargets(context, flows, direct);

    const tables: Table[] = [
      throughputTable(levels, health, flows, direct, context),
      latencyTable(levels, flows, direct),
      errorTable([...flows.values(), ...direct.values()]),
      checksTable(checks, targets),
    ];
    return {
      tables,
      checks,
      targets,
      figures: {
        store: target.describe,
        health: Object.fromEntries(health),
        flows: Object.fromEntries(flows),
        direct: Object.fromEntries(direct),
        paidListed,
      },
      ...(profileDir ? { profiles: [profileDir] } : {}),
    };
  } finally {
    await api?.close();
    await server?.stop();
    await target.cleanup();
  }
}

/** Issue #17's targets for the checkout, from the phases that measure them. */
function checkoutTargets(
  context: BenchContext,
  flows: Map<number, PhaseResult>,
  direct: Map<number, PhaseResult>,
): Target[] {
  const targets: Target[] = [];
  const flow50 = flows.get(50);
  const flow10 = flows.get(10);
  const direct50 = direct.get(50);
  const worstP99 = (phase: PhaseResult) =>
    Math.max(...FLOW_STEPS.map((step) => phase.steps[step]?.p99 ?? 0));
  const perFlow = (phase: PhaseResult, seconds: number) =>
    phase.completed > 0 ? (seconds / phase.completed) * 1000 : Number.POSITIVE_INFINITY;
  const flow = flow50 ?? flow10;
  if (flow) {
    const sql = flow.completed > 0 ? flow.cpu.statements / flow.completed : Number.NaN;
    targets.push({
      name: `SQL statements per paid checkout flow (c=${flow.concurrency})`,
      target: '≤ 15',
      measured: fixed(sql),
      met: sql <= 15,
    });
    if (flow.cpu.postgres !== null) {
      const cpu = perFlow(flow, flow.cpu.server + flow.cpu.postgres);
      targets.push({
        name: `server + PostgreSQL CPU per paid checkout flow (c=${flow.concurrency})`,
        target: '≤ 5 ms',
        measured: `${fixed(cpu, 2)} ms`,
        met: cpu <= 5,
      });
    }
  }
  if (direct50 && context.store === 'postgres') {
    targets.push({
      name: 'POST /api/orders alone at c=50: orders/s',
      target: '≥ 1,000',
      measured: fixed(direct50.perSecond),
      met: direct50.perSecond >= 1000,
    });
  }
  if (flow10) {
    targets.push({
      name: 'checkout flow at c=10: worst p99 of a step',
      target: '< 25 ms',
      measured: `${fixed(worstP99(flow10))} ms`,
      met: worstP99(flow10) < 25,
    });
  }
  if (flow50 && context.store === 'embedded') {
    targets.push({
      name: 'embedded store: paid checkout flows/s at c=50',
      target: '≥ 100',
      measured: fixed(flow50.perSecond),
      met: flow50.perSecond >= 100,
    });
  }
  return targets;
}

/** One buyer, one paid order: six requests, each timed, and the whole flow. */
function flowPhase(
  server: ServerChild,
  api: Api,
  products: readonly SeededProduct[],
  concurrency: number,
  durationMs: number,
  label: string,
): Promise<PhaseResult> {
  return runPhase({
    name: 'checkout flow',
    server,
    concurrency,
    durationMs,
    maxIterations: 1_000_000,
    async iteration(recorder, vu, n) {
      const started = performance.now();
      const buyer: Caller = { userId: `flow-${label}-${vu}-${n}`, tenantId: TENANT };
      const product = products[(vu * 7919 + n * 104_729) % products.length];
      if (!product) return false;
      const begun = await api.call<{ id: string }>('POST', '/api/sessions', buyer);
      const sessionId = begun.body?.data?.id;
      if (!expect(recorder, 'begin', begun, 201) || !sessionId) return false;
      const base = `/api/sessions/${sessionId}`;
      const added = await api.call('POST', `${base}/items`, buyer, {
        variantId: product.id,
        quantity: 1,
      });
      if (!expect(recorder, 'add-item', added, 200)) return false;
      const shipped = await api.call('PUT', `${base}/shipping`, buyer, {
        shippingAddress: SHIPPING_ADDRESS,
      });
      if (!expect(recorder, 'shipping', shipped, 200)) return false;
      const method = await api.call('PUT', `${base}/payment-method`, buyer, {
        paymentMethod: 'sandbox',
      });
      if (!expect(recorder, 'payment-method', method, 200)) return false;
      const submitted = await api.call<Submitted>('POST', `${base}/submit`, buyer);
      if (!expect(recorder, 'submit', submitted, 200)) return false;
      const payment = submitted.body?.data?.payments[0];
      if (!payment) return false;
      const { rawBody, headers } = sandboxWebhook(
        server.webhookSecret,
        {
          id: `evt_${randomUUID()}`,
          outcome: 'succeeded',
          tenantId: TENANT,
          paymentId: payment.paymentId,
        },
        new Date(),
      );
      const paid = await api.call<{ outcome: string }>(
        'POST',
        '/api/payments/webhook',
        null,
        rawBody,
        { ...headers },
      );
      if (!expect(recorder, 'webhook', paid, 200)) return false;
      if (paid.body?.data?.outcome !== 'paid') {
        recorder.fail('webhook', paid.status, `outcome ${paid.body?.data?.outcome}`);
        return false;
      }
      recorder.record('flow', performance.now() - started);
      return true;
    },
  });
}

/** POST /api/orders alone: one line, a new idempotency key each time. */
function directPhase(
  server: ServerChild,
  api: Api,
  products: readonly SeededProduct[],
  concurrency: number,
  durationMs: number,
  label: string,
): Promise<PhaseResult> {
  return runPhase({
    name: 'POST /api/orders',
    server,
    concurrency,
    durationMs,
    maxIterations: 1_000_000,
    async iteration(recorder, vu, n) {
      const product = products[(vu * 7919 + n * 104_729 + 13) % products.length];
      if (!product) return false;
      const buyer: Caller = { userId: `direct-${label}-${vu}`, tenantId: TENANT };
      const placed = await api.call(
        'POST',
        '/api/orders',
        buyer,
        { items: [{ variantId: product.id, quantity: 1 }], shippingAddress: SHIPPING_ADDRESS },
        { 'idempotency-key': `direct-${label}-${vu}-${n}` },
      );
      return expect(recorder, 'place-order', placed, 201);
    },
  });
}

async function countOrders(api: Api, status: string): Promise<number> {
  const admin: Caller = { userId: 'bench-admin', role: 'admin', tenantId: TENANT };
  let count = 0;
  let before: string | null = null;
  for (let page = 0; page < 100_000; page++) {
    const query: string = `/api/admin/orders?status=${status}&limit=100${before ? `&before=${before}` : ''}`;
    const answer = await api.call<{ items: unknown[]; nextCursor: string | null }>(
      'GET',
      query,
      admin,
    );
    if (answer.status !== 200 || !answer.body?.data)
      throw new Error(`listing orders: ${answer.status}`);
    count += answer.body.data.items.length;
    before = answer.body.data.nextCursor;
    if (!before) break;
  }
  return count;
}

function perOp(seconds: number | null, ops: number): string {
  return seconds === null || ops === 0 ? 'n/a' : `${fixed((seconds / ops) * 1000, 2)} ms`;
}

function throughputTable(
  levels: readonly number[],
  health: Map<number, PhaseResult>,
  flows: Map<number, PhaseResult>,
  direct: Map<number, PhaseResult>,
  context: BenchContext,
): Table {
  const rows: (string | number)[][] = [];
  for (const c of levels) {
    const baseline = health.get(c);
    for (const [phase, unit, requestsPerOp] of [
      [baseline, 'requests', 1],
      [flows.get(c), 'paid orders', FLOW_STEPS.length],
      [direct.get(c), 'orders placed', 1],
    ] as const) {
      if (!phase) continue;
      rows.push([
        phase.name,
        c,
        unit,
        phase.completed,
        fixed(phase.perSecond),
        baseline ? ratio(phase.perSecond * requestsPerOp, baseline.perSecond) : 'n/a',
        phase.errors,
        phase.serverErrors,
        phase.completed > 0 ? fixed(phase.cpu.statements / phase.completed) : 'n/a',
        perOp(phase.cpu.server, phase.completed),
        perOp(phase.cpu.postgres, phase.completed),
        perOp(phase.cpu.client, phase.completed),
      ]);
    }
  }
  return {
    title: `checkout (${context.store}${context.workers > 1 ? `, ${context.workers} server processes` : ''}): throughput, ${context.durationMs / 1000} s per phase`,
    columns: [
      'phase',
      'conc',
      'unit',
      'done',
      'per s',
      'HTTP req/s vs /health',
      'errors',
      '5xx',
      'SQL/op',
      'server CPU/op',
      'postgres CPU/op',
      'loadgen CPU/op',
    ],
    rows,
    notes: [
      '"HTTP req/s vs /health": HTTP requests per second of the phase (a flow is 6 requests) divided by GET /health requests per second at the same concurrency, measured just before it. SQL/op: statements the server sent per completed flow or order (BEGIN and COMMIT included). CPU per op is CPU time (not wall time) per completed flow or order: the server process, the PostgreSQL backends of the bench database (n/a on the embedded store: it runs inside the server process), the load generator.',
    ],
  };
}

function latencyTable(
  levels: readonly number[],
  flows: Map<number, PhaseResult>,
  direct: Map<number, PhaseResult>,
): Table {
  const rows: (string | number)[][] = [];
  for (const c of levels) {
    for (const phase of [flows.get(c), direct.get(c)]) {
      if (!phase) continue;
      for (const [step, s] of Object.entries(phase.steps)) {
        rows.push([
          phase.name,
          c,
          step,
          s.count,
          fixed(s.p50),
          fixed(s.p95),
          fixed(s.p99),
          fixed(s.max),
        ]);
      }
    }
  }
  return {
    title: 'checkout: latency per step and per whole flow (ms)',
    columns: ['phase', 'conc', 'step', 'count', 'p50', 'p95', 'p99', 'max'],
    rows,
  };
}

export function errorTable(phases: readonly PhaseResult[]): Table {
  const rows: (string | number)[][] = [];
  for (const phase of phases) {
    for (const [kind, count] of Object.entries(phase.errorKinds)) {
      rows.push([phase.name, phase.concurrency, kind, count]);
    }
  }
  if (rows.length === 0) rows.push(['(none)', '', '', 0]);
  return { title: 'Errors', columns: ['phase', 'conc', 'step status code', 'count'], rows };
}
