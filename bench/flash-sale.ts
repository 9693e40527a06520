/**
 * flash-sale: 1,000 buyers, one SKU with stock 100, through POST /api/orders: exactly 100
 * placed, nothing oversold, no 5xx; time to sell out and hot-SKU reservations per second.
 * Baselines in the same run, on the same database: guarded single-row increments and the
 * optimistic version-number approach, sent directly from this process (no HTTP).
 */
import { performance } from 'node:perf_hooks';
import { errorTable } from './checkout.ts';
import { openHotRow, type RateResult, type SaleResult } from './lib/hot-row.ts';
import { type Answer, Api, type Caller, errorCode } from './lib/http.ts';
import { runLoad } from './lib/load.ts';
import { expect, type PhaseResult, runPhase, warmUp } from './lib/phase.ts';
import { type BenchContext, type BenchReport, type Check, checksTable } from './lib/report.ts';
import { type SeededProduct, SHIPPING_ADDRESS, seedProducts } from './lib/seed.ts';
import { profileDirFor, type ServerChild, startServerChild } from './lib/server-child.ts';
import { fixed, ratio, type Table } from './lib/table.ts';
import { openTarget } from './lib/target.ts';

const TENANT = 'bench-flash';
const BUYERS = 1000;
const STOCK = 100;
const ROUNDS = 3;

interface Round {
  round: number;
  placed: number;
  outOfStock: number;
  serverErrors: number;
  otherErrors: Record<string, number>;
  selloutMs: number;
  allAnsweredMs: number;
  perSecond: number;
  onHand: number;
  reserved: number;
  oversold: number;
}

export async function flashSale(context: BenchContext): Promise<BenchReport> {
  const concurrency = context.concurrency?.[0] ?? 50;
  const target = await openTarget(context.store, 'flash');
  const profileDir = context.profile ? profileDirFor(`${context.runId}-flash`) : undefined;
  let server: ServerChild | undefined;
  let api: Api | undefined;
  try {
    context.log(`store: ${target.describe}`);
    server = await startServerChild(target, { profileDir, workers: context.workers });
    api = new Api(server.address, server.gatewayKey, concurrency);
    const saleSkus = await seedProducts(api, TENANT, {
      count: ROUNDS,
      onHand: STOCK,
      prefix: 'SALE',
    });
    const [hot] = await seedProducts(api, TENANT, {
      count: 1,
      onHand: 1_000_000_000,
      prefix: 'HOT',
    });
    const spread = await seedProducts(api, TENANT, {
      count: 1000,
      onHand: 1_000_000,
      prefix: 'SPREAD',
    });
    if (!hot) throw new Error('no hot SKU');
    await warmUp(api, concurrency);
    context.log('priming: 3 s of orders at concurrency 10 (not measured), then ANALYZE');
    await ordersPhase(server, api, spread, 10, 3000, 'prime');
    if (context.analyze) await server.analyze();

    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const sku = saleSkus[r];
      if (!sku) break;
      context.log(
        `sale round ${r + 1}: ${BUYERS} buyers, ${STOCK} units, concurrency ${concurrency}`,
      );
      rounds.push(await saleRound(api, sku, r + 1, concurrency));
    }
    const hotMs = Math.min(context.durationMs, 15_000);
    context.log(`hot SKU, sustained ${hotMs / 1000} s at concurrency ${concurrency}`);
    const hotBefore = await product(api, hot.id);
    const hotPhase = await ordersPhase(server, api, [hot], concurrency, hotMs, 'hot');
    const hotAfter = await product(api, hot.id);
    context.log(`1,000 SKUs, sustained ${hotMs / 1000} s at concurrency ${concurrency}`);
    const spreadPhase = await ordersPhase(server, api, spread, concurrency, hotMs, 'spread');

    context.log(`baselines: one hot row written directly, ${concurrency} at a time`);
    const hotRow = await openHotRow(target.databaseUrl, concurrency);
    const rawSales: SaleResult[] = [];
    const optimisticSales: SaleResult[] = [];
    let rawSustained: RateResult;
    let optimisticSustained: RateResult;
    try {
      for (let r = 0; r < ROUNDS; r++) rawSales.push(await hotRow.guardedSale(STOCK, BUYERS));
      for (let r = 0; r < ROUNDS; r++)
        optimisticSales.push(await hotRow.optimisticSale(STOCK, BUYERS));
      rawSustained = await hotRow.guardedSustained(Math.min(hotMs, 5000));
      optimisticSustained = await hotRow.optimisticSustained(Math.min(hotMs, 5000));
    } finally {
      await hotRow.close();
    }

    const median = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)] ?? 0;
    };
    const saleRate = median(rounds.map((r) => r.perSecond));
    const rawSaleRate = median(rawSales.map((r) => r.perSecond));
    const hotReserved = hotAfter.reserved - hotBefore.reserved;
    const checks: Check[] = [
      ...rounds.flatMap((r) => [
        {
          name: `round ${r.round}: orders placed`,
          ok: r.placed === STOCK,
          detail: `${r.placed} (must be ${STOCK})`,
        },
        {
          name: `round ${r.round}: oversold units`,
          ok: r.oversold === 0,
          detail: `${r.oversold} (on hand ${r.onHand}, reserved ${r.reserved})`,
        },
        { name: `round ${r.round}: 5xx`, ok: r.serverErrors === 0, detail: String(r.serverErrors) },
        {
          name: `round ${r.round}: every other buyer told out of stock`,
          ok: r.outOfStock === BUYERS - r.placed,
          detail: `${r.outOfStock} × 409 INSUFFICIENT_STOCK${Object.keys(r.otherErrors).length ? `, others ${JSON.stringify(r.otherErrors)}` : ''}`,
        },
      ]),
      {
        name: 'hot SKU sustained: reserved units = orders placed',
        ok: hotReserved === hotPhase.completed,
        detail: `${hotReserved} reserved, ${hotPhase.completed} placed`,
      },
      ...[hotPhase, spreadPhase].map((phase) => ({
        name: `${phase.name}: no 5xx`,
        ok: phase.serverErrors === 0,
        detail: `${phase.serverErrors} 5xx, ${phase.errors} errors`,
      })),
      ...rawSales.map((sale, i) => ({
        name: `baseline guarded sale ${i + 1}: sold exactly ${STOCK}`,
        ok: sale.sold === STOCK,
        detail: String(sale.sold),
      })),
    ];
    const targets = [
      {
        name: 'hot-SKU reservations/s (HTTP, sustained) vs raw hot-row ceiling',
        target: '≥ 50%',
        measured: `${fixed((hotPhase.perSecond / rawSustained.perSecond) * 100)}%`,
        met: hotPhase.perSecond >= 0.5 * rawSustained.perSecond,
      },
      {
        name: 'oversold units, all rounds',
        target: '0',
        measured: String(rounds.reduce((sum, r) => sum + r.oversold, 0)),
        met: rounds.every((r) => r.oversold === 0),
      },
    ];

    const tables: Table[] = [
      {
        title: `flash-sale (${context.store}): ${BUYERS} buyers, ${STOCK} units, concurrency ${concurrency}, per round`,
        columns: [
          'round',
          'placed',
          'oversold',
          '409 out of stock',
          '5xx',
          'sell-out ms',
          'reservations/s',
          'all answered ms',
          'raw guarded sell-out ms',
          'raw reservations/s',
        ],
        rows: rounds.map((r, i) => [
          r.round,
          r.placed,
          r.oversold,
          r.outOfStock,
          r.serverErrors,
          fixed(r.selloutMs),
          fixed(r.perSecond),
          fixed(r.allAnsweredMs),
          fixed(rawSales[i]?.selloutMs ?? 0),
          fixed(rawSales[i]?.perSecond ?? 0),
        ]),
        notes: [
          'Sell-out: from the first request to the answer of the last order placed. "raw": the same sale as guarded UPDATEs sent directly to the database from this process.',
        ],
      },
      {
        title: 'flash-sale: one hot row, reservations per second',
        columns: [
          'approach',
          'sold / attempts',
          'per s',
          'vs raw guarded',
          'conflict rate',
          'p50 ms',
          'p99 ms',
        ],
        rows: [
          rateRow('raw guarded UPDATE, sustained (baseline)', rawSustained, rawSustained.perSecond),
          rateRow(
            'optimistic version UPDATE, sustained',
            optimisticSustained,
            rawSustained.perSecond,
          ),
          phaseRow('HTTP POST /api/orders, hot SKU, sustained', hotPhase, rawSustained.perSecond),
          phaseRow(
            'HTTP POST /api/orders, 1,000 SKUs, sustained',
            spreadPhase,
            rawSustained.perSecond,
          ),
          [
            'HTTP flash sale (median round)',
            `${STOCK} / ${BUYERS}`,
            fixed(saleRate),
            ratio(saleRate, rawSustained.perSecond),
            '0',
            '',
            '',
          ],
          [
            'raw guarded flash sale (median round)',
            `${STOCK} / ${BUYERS}`,
            fixed(rawSaleRate),
            ratio(rawSaleRate, rawSustained.perSecond),
            '0',
            '',
            '',
          ],
          ...optimisticSales.map((sale, i) => [
            `optimistic flash sale ${i + 1}, conflict fails the buyer`,
            `${sale.sold} / ${BUYERS}`,
            fixed(sale.perSecond),
            ratio(sale.perSecond, rawSustained.perSecond),
            `${fixed(sale.conflictRate * 100)}%`,
            '',
            '',
          ]),
        ],
        notes: [
          `Baselines: ${hotRow.kind}, ${target.databaseUrl ? 'on the bench database' : 'in the bench process (the server owns the embedded store)'}, a scratch table dropped after. Conflict rate: updates refused because the version moved, over updates tried.`,
        ],
      },
      errorTable([hotPhase, spreadPhase]),
      checksTable(checks, targets),
    ];
    return {
      tables,
      checks,
      targets,
      figures: {
        store: target.describe,
        rounds,
        hot: hotPhase,
        spread: spreadPhase,
        baseline: {
          kind: hotRow.kind,
          rawSales,
          optimisticSales,
          rawSustained,
          optimisticSustained,
        },
      },
      ...(profileDir ? { profiles: [profileDir] } : {}),
    };
  } finally {
    await api?.close();
    await server?.stop();
    await target.cleanup();
  }
}

function rateRow(name: string, r: RateResult, baseline: number): (string | number)[] {
  return [
    name,
    `${r.successes} / ${r.attempts}`,
    fixed(r.perSecond),
    ratio(r.perSecond, baseline),
    `${fixed(r.conflictRate * 100)}%`,
    fixed(r.p50, 2),
    fixed(r.p99, 2),
  ];
}

function phaseRow(name: string, phase: PhaseResult, baseline: number): (string | number)[] {
  const s = phase.steps['place-order'];
  return [
    name,
    `${phase.completed} / ${phase.attempted}`,
    fixed(phase.perSecond),
    ratio(phase.perSecond, baseline),
    '0',
    fixed(s?.p50 ?? 0),
    fixed(s?.p99 ?? 0),
  ];
}

function order(api: Api, buyer: Caller, variantId: string, key: string): Promise<Answer> {
  return api.call(
    'POST',
    '/api/orders',
    buyer,
    { items: [{ variantId, quantity: 1 }], shippingAddress: SHIPPING_ADDRESS },
    { 'idempotency-key': key },
  );
}

function ordersPhase(
  server: ServerChild,
  api: Api,
  products: readonly SeededProduct[],
  concurrency: number,
  durationMs: number,
  label: string,
): Promise<PhaseResult> {
  return runPhase({
    name: `POST /api/orders (${label === 'hot' ? 'one hot SKU' : '1,000 SKUs'}) c=${concurrency}`,
    server,
    concurrency,
    durationMs,
    maxIterations: 1_000_000,
    async iteration(recorder, vu, n) {
      const product = products[(vu * 7919 + n * 104_729) % products.length];
      if (!product) return false;
      const buyer = { userId: `${label}-${vu}`, tenantId: TENANT };
      return expect(
        recorder,
        'place-order',
        await order(api, buyer, product.id, `${label}-${vu}-${n}`),
        201,
      );
    },
  });
}

async function saleRound(
  api: Api,
  sku: SeededProduct,
  round: number,
  concurrency: number,
): Promise<Round> {
  let placed = 0;
  let outOfStock = 0;
  let serverErrors = 0;
  let lastPlaced = 0;
  const otherErrors: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  await runLoad({
    concurrency,
    durationMs: 120_000,
    maxIterations: BUYERS,
    async iteration() {
      const buyer = next++;
      const answer = await order(
        api,
        { userId: `sale-${round}-${buyer}`, tenantId: TENANT },
        sku.id,
        `sale-${round}-${buyer}`,
      );
      if (answer.status === 201) {
        placed++;
        lastPlaced = performance.now() - started;
      } else if (answer.status === 409 && errorCode(answer) === 'INSUFFICIENT_STOCK') outOfStock++;
      else {
        if (answer.status >= 500 || answer.status === 0) serverErrors++;
        const kind = `${answer.status} ${errorCode(answer)}`;
        otherErrors[kind] = (otherErrors[kind] ?? 0) + 1;
      }
    },
  });
  const allAnsweredMs = performance.now() - started;
  const stock = await product(api, sku.id);
  return {
    round,
    placed,
    outOfStock,
    serverErrors,
    otherErrors,
    selloutMs: lastPlaced,
    allAnsweredMs,
    perSecond: lastPlaced > 0 ? placed / (lastPlaced / 1000) : 0,
    onHand: stock.onHand,
    reserved: stock.reserved,
    oversold: Math.max(0, placed - STOCK) + Math.max(0, stock.reserved - stock.onHand),
  };
}

async function product(api: Api, id: string): Promise<{ onHand: number; reserved: number }> {
  const admin: Caller = { userId: 'bench-admin', role: 'admin', tenantId: TENANT };
  const answer = await api.call<{ onHand: number; reserved: number }>(
    'GET',
    `/api/variants/${id}`,
    admin,
  );
  if (answer.status !== 200 || !answer.body?.data)
    throw new Error(`GET variant ${id}: ${answer.status}`);
  return answer.body.data;
}
