/**
 * `--compare <ref>`: the key figures of a benchmark, read from its result (the same harness ran
 * both revisions, so both results have one shape), side by side with their ratio.
 */
import type { PhaseResult } from './phase.ts';
import { fixed, type Table } from './table.ts';

export interface KeyFigure {
  name: string;
  unit: string;
  value: number;
  /** Which way is an improvement: the ratio column says "better" or "worse" by it. */
  better: 'higher' | 'lower';
}

type Figures = Record<string, unknown>;

const perOp = (seconds: number | null | undefined, ops: number) =>
  seconds === null || seconds === undefined || ops === 0 ? Number.NaN : (seconds / ops) * 1000;

/** The figures a phase of an HTTP benchmark is judged by. */
function phaseFigures(label: string, unit: string, phase: PhaseResult | undefined): KeyFigure[] {
  if (!phase) return [];
  const figures: KeyFigure[] = [
    { name: `${label}: ${unit}/s`, unit: '/s', value: phase.perSecond, better: 'higher' },
    {
      name: `${label}: SQL statements per op`,
      unit: '',
      value: phase.completed ? phase.cpu.statements / phase.completed : Number.NaN,
      better: 'lower',
    },
    {
      name: `${label}: server CPU per op`,
      unit: 'ms',
      value: perOp(phase.cpu.server, phase.completed),
      better: 'lower',
    },
  ];
  if (phase.cpu.postgres !== null) {
    figures.push(
      {
        name: `${label}: PostgreSQL CPU per op`,
        unit: 'ms',
        value: perOp(phase.cpu.postgres, phase.completed),
        better: 'lower',
      },
      {
        name: `${label}: server + PostgreSQL CPU per op`,
        unit: 'ms',
        value: perOp(phase.cpu.server + phase.cpu.postgres, phase.completed),
        better: 'lower',
      },
    );
  }
  const steps = Object.entries(phase.steps).filter(([step]) => step !== 'flow');
  if (steps.length > 0) {
    figures.push({
      name: `${label}: worst p99 of a step`,
      unit: 'ms',
      value: Math.max(...steps.map(([, s]) => s.p99)),
      better: 'lower',
    });
  }
  return figures;
}

/** The key figures of one benchmark's result (`figures` as the benchmark wrote them). */
export function keyFigures(benchmark: string, figures: Figures): KeyFigure[] {
  const phases = (key: string) => (figures[key] ?? {}) as Record<string, PhaseResult>;
  switch (benchmark) {
    case 'checkout': {
      const out: KeyFigure[] = [];
      for (const [c, phase] of Object.entries(phases('health'))) {
        out.push({
          name: `GET /health c=${c}: requests/s`,
          unit: '/s',
          value: phase.perSecond,
          better: 'higher',
        });
      }
      for (const [c, phase] of Object.entries(phases('flows'))) {
        out.push(...phaseFigures(`checkout flow c=${c}`, 'paid flows', phase));
      }
      for (const [c, phase] of Object.entries(phases('direct'))) {
        out.push(...phaseFigures(`POST /api/orders c=${c}`, 'orders', phase));
      }
      return out;
    }
    case 'session': {
      const out: KeyFigure[] = [];
      for (const [c, phase] of Object.entries(phases('ops'))) {
        out.push(...phaseFigures(`session operations c=${c}`, 'operations', phase));
      }
      return out;
    }
    case 'flash-sale': {
      const hot = figures.hot as PhaseResult | undefined;
      const spread = figures.spread as PhaseResult | undefined;
      const raw = (figures.baseline as { rawSustained?: { perSecond: number } } | undefined)
        ?.rawSustained;
      const rounds = (figures.rounds ?? []) as { perSecond: number }[];
      const sorted = rounds.map((r) => r.perSecond).sort((a, b) => a - b);
      return [
        ...phaseFigures('hot SKU sustained', 'orders', hot),
        ...phaseFigures('1,000 SKUs sustained', 'orders', spread),
        ...(hot && raw
          ? [
              {
                name: 'hot SKU sustained vs raw hot-row ceiling (same run)',
                unit: '%',
                value: (hot.perSecond / raw.perSecond) * 100,
                better: 'higher' as const,
              },
            ]
          : []),
        {
          name: 'flash sale: reservations/s (median round)',
          unit: '/s',
          value: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
          better: 'higher',
        },
      ];
    }
    case 'expiry': {
      const set = figures.setBased as { perSecond: number } | undefined;
      const row = figures.perRow as { perSecond: number } | undefined;
      return [
        {
          name: 'expiry worker: orders/s',
          unit: '/s',
          value: set?.perSecond ?? Number.NaN,
          better: 'higher',
        },
        {
          name: 'per-row loop: orders/s',
          unit: '/s',
          value: row?.perSecond ?? Number.NaN,
          better: 'higher',
        },
        {
          name: 'expiry worker vs per-row loop',
          unit: '×',
          value: Number(figures.speedup ?? Number.NaN),
          better: 'higher',
        },
      ];
    }
    default:
      return [];
  }
}

/** Each figure's median over several rounds (the figures of the first round, in its order). */
export function medianFigures(rounds: readonly KeyFigure[][]): KeyFigure[] {
  const first = rounds[0] ?? [];
  return first.map((figure) => {
    const values = rounds
      .map((round) => round.find((f) => f.name === figure.name)?.value ?? Number.NaN)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const mid = Math.floor(values.length / 2);
    const median =
      values.length === 0
        ? Number.NaN
        : values.length % 2
          ? (values[mid] ?? Number.NaN)
          : ((values[mid - 1] ?? 0) + (values[mid] ?? 0)) / 2;
    return { ...figure, value: median };
  });
}

function show(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  const digits = unit === 'ms' ? 2 : 1;
  return `${fixed(value, digits)}${unit === '/s' || unit === '' ? '' : ` ${unit}`}`;
}

/** One row per key figure: the other revision's, this tree's, and this ÷ that. */
export function compareTable(
  title: string,
  before: { label: string; figures: KeyFigure[] },
  after: { label: string; figures: KeyFigure[] },
): Table {
  const old = new Map(before.figures.map((f) => [f.name, f]));
  const rows = after.figures.map((f) => {
    const was = old.get(f.name);
    const r = was && was.value > 0 && Number.isFinite(f.value) ? f.value / was.value : Number.NaN;
    const verdict = !Number.isFinite(r)
      ? ''
      : Math.abs(r - 1) < 0.05
        ? 'same'
        : r > 1 === (f.better === 'higher')
          ? 'better'
          : 'worse';
    return [
      f.name,
      was ? show(was.value, f.unit) : 'n/a',
      show(f.value, f.unit),
      Number.isFinite(r) ? `${fixed(r, r >= 10 ? 0 : 2)}×` : 'n/a',
      verdict,
    ];
  });
  return {
    title,
    columns: ['figure', before.label, after.label, 'ratio', ''],
    rows,
    notes: [
      `Ratio: ${after.label} ÷ ${before.label}, both measured in this run, one after the other, on the same database server and machine. "same" is within 5%.`,
    ],
  };
}
