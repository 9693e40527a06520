import type { Table } from './table.ts';
import type { StoreKind } from './target.ts';

/** What every benchmark gets from bench/run.ts. */
export interface BenchContext {
  store: StoreKind;
  /** Length of each measured phase. */
  durationMs: number;
  /** Profile the server child with --cpu-prof (written under bench/results/profiles/). */
  profile: boolean;
  runId: string;
  /**
   * ANALYZE once the tables hold data (what autovacuum does after a minute on PostgreSQL, and
   * nothing does on the embedded store), so that measurements see a steady state. Default on.
   */
  analyze: boolean;
  /** Concurrency levels asked for on the command line, or the benchmark's defaults. */
  concurrency: number[] | undefined;
  /** expiry: orders per data set. */
  orders: number | undefined;
  /** HTTP benchmarks: server processes (serve --workers). */
  workers: number;
  log(line: string): void;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Target {
  name: string;
  target: string;
  measured: string;
  met: boolean;
}

export interface BenchReport {
  tables: Table[];
  checks: Check[];
  targets: Target[];
  /** Every figure, for the JSON result. */
  figures: Record<string, unknown>;
  /** Paths of CPU profiles written, if any. */
  profiles?: string[];
}

export type Benchmark = (context: BenchContext) => Promise<BenchReport>;

export function checksTable(checks: readonly Check[], targets: readonly Target[]): Table {
  return {
    title: 'Checks and targets',
    columns: ['what', 'expected', 'measured', 'ok'],
    rows: [
      ...checks.map((c) => [c.name, 'true', c.detail, c.ok ? 'yes' : 'NO']),
      ...targets.map((t) => [t.name, t.target, t.measured, t.met ? 'met' : 'missed']),
    ],
  };
}
