/**
 * session: conversational session operations over HTTP (add item, get) at concurrency 50.
 * Baseline: GET /health at the same concurrency, in the same run.
 */

import { errorTable } from './checkout.ts';
import { Api, type Caller } from './lib/http.ts';
import { expect, healthPhase, type PhaseResult, runPhase, warmUp } from './lib/phase.ts';
import { type BenchContext, type BenchReport, type Check, checksTable } from './lib/report.ts';
import { type SeededProduct, seedProducts } from './lib/seed.ts';
import { profileDirFor, type ServerChild, startServerChild } from './lib/server-child.ts';
import { fixed, ratio, type Table } from './lib/table.ts';
import { openTarget } from './lib/target.ts';

const TENANT = 'bench-sessions';
/** Each virtual user adds from its own slice of SKUs, and starts a new session this often. */
const SKUS_PER_USER = 10;
const ADDS_PER_SESSION = 200;

export async function session(context: BenchContext): Promise<BenchReport> {
  const levels = context.concurrency ?? [50];
  const target = await openTarget(context.store, 'session');
  const profileDir = context.profile ? profileDirFor(`${context.runId}-session`) : undefined;
  let server: ServerChild | undefined;
  let api: Api | undefined;
  try {
    context.log(`store: ${target.describe}`);
    server = await startServerChild(target, { profileDir, workers: context.workers });
    api = new Api(server.address, server.gatewayKey, Math.max(...levels));
    const products = await seedProducts(api, TENANT, { count: 100, onHand: 1000, prefix: 'SS' });
    await warmUp(api, Math.max(...levels));
    context.log(
      'priming: 3 s of session operations at concurrency 10 (not measured), then ANALYZE',
    );
    await sessionPhase(server, api, products, 10, 3000);
    if (context.analyze) await server.analyze();
    const health = new Map<number, PhaseResult>();
    const ops = new Map<number, PhaseResult>();
    for (const c of levels) {
      context.log(`GET /health at concurrency ${c}`);
      health.set(c, await healthPhase(server, api, c, context.durationMs));
      context.log(`session operations at concurrency ${c}`);
      ops.set(c, await sessionPhase(server, api, products, c, context.durationMs));
    }
    const checks: Check[] = [...ops.values(), ...health.values()].map((phase) => ({
      name: `${phase.name} c=${phase.concurrency}: no 5xx`,
      ok: phase.serverErrors === 0,
      detail: `${phase.serverErrors} 5xx, ${phase.errors} errors`,
    }));
    const at50 = ops.get(50);
    const health50 = health.get(50);
    const targets =
      at50 && health50
        ? [
            {
              name: 'session operations at c=50 vs GET /health',
              target: '≥ 30%',
              measured: `${fixed((at50.perSecond / health50.perSecond) * 100)}%`,
              met: at50.perSecond >= 0.3 * health50.perSecond,
            },
          ]
        : [];
    const rows: (string | number)[][] = [];
    for (const c of levels) {
      const baseline = health.get(c);
      for (const phase of [baseline, ops.get(c)]) {
        if (!phase) continue;
        rows.push([
          phase.name,
          c,
          phase.completed,
          fixed(phase.perSecond),
          baseline ? ratio(phase.perSecond, baseline.perSecond) : 'n/a',
          phase.errors,
          phase.serverErrors,
          phase.completed > 0 ? fixed(phase.cpu.statements / phase.completed, 1) : 'n/a',
          perOp(phase.cpu.server, phase.completed),
          perOp(phase.cpu.postgres, phase.completed),
        ]);
      }
    }
    const latency: (string | number)[][] = [];
    for (const c of levels) {
      for (const phase of [health.get(c), ops.get(c)]) {
        for (const [step, s] of Object.entries(phase?.steps ?? {})) {
          latency.push([step, c, s.count, fixed(s.p50), fixed(s.p95), fixed(s.p99), fixed(s.max)]);
        }
      }
    }
    const tables: Table[] = [
      {
        title: `session (${context.store}): operations per second, ${context.durationMs / 1000} s per phase`,
        columns: [
          'phase',
          'conc',
          'ops',
          'per s',
          'vs /health',
          'errors',
          '5xx',
          'SQL/op',
          'server CPU/op',
          'postgres CPU/op',
        ],
        rows,
        notes: [
          `An operation is one HTTP request: add item (POST /api/sessions/:id/items) or get (GET /api/sessions/:id), alternating; every ${ADDS_PER_SESSION} adds the session is cancelled and a new one begun (those two requests count too).`,
        ],
      },
      {
        title: 'session: latency per operation (ms)',
        columns: ['operation', 'conc', 'count', 'p50', 'p95', 'p99', 'max'],
        rows: latency,
      },
      errorTable([...ops.values()]),
      checksTable(checks, targets),
    ];
    return {
      tables,
      checks,
      targets,
      figures: {
        store: target.describe,
        health: Object.fromEntries(health),
        ops: Object.fromEntries(ops),
      },
      ...(profileDir ? { profiles: [profileDir] } : {}),
    };
  } finally {
    await api?.close();
    await server?.stop();
    await target.cleanup();
  }
}

function perOp(seconds: number | null, ops: number): string {
  return seconds === null || ops === 0 ? 'n/a' : `${fixed((seconds / ops) * 1000, 2)} ms`;
}

/**
 * Each virtual user keeps one open session: an iteration is one operation, alternately adding
 * an item (its own SKUs, in turn) and reading the session back.
 */
function sessionPhase(
  server: ServerChild,
  api: Api,
  products: readonly SeededProduct[],
  concurrency: number,
  durationMs: number,
): Promise<PhaseResult> {
  const open = new Map<number, { id: string; adds: number }>();
  return runPhase({
    name: 'session ops',
    server,
    concurrency,
    durationMs,
    maxIterations: 10_000_000,
    async iteration(recorder, vu, n) {
      const buyer: Caller = { userId: `session-c${concurrency}-${vu}`, tenantId: TENANT };
      let current = open.get(vu);
      if (current && current.adds >= ADDS_PER_SESSION) {
        const cancelled = await api.call('POST', `/api/sessions/${current.id}/cancel`, buyer);
        open.delete(vu);
        current = undefined;
        return expect(recorder, 'cancel', cancelled, 200);
      }
      if (!current) {
        const begun = await api.call<{ id: string }>('POST', '/api/sessions', buyer);
        const id = begun.body?.data?.id;
        if (!expect(recorder, 'begin', begun, [200, 201]) || !id) return false;
        open.set(vu, { id, adds: 0 });
        return true;
      }
      if (n % 2 === 0) {
        const product =
          products[(vu * SKUS_PER_USER + (current.adds % SKUS_PER_USER)) % products.length];
        if (!product) return false;
        current.adds++;
        const added = await api.call('POST', `/api/sessions/${current.id}/items`, buyer, {
          variantId: product.id,
          quantity: 1,
        });
        return expect(recorder, 'add-item', added, 200);
      }
      const got = await api.call('GET', `/api/sessions/${current.id}`, buyer);
      return expect(recorder, 'get', got, 200);
    },
  });
}
