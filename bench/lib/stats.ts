/** Latency samples per name (milliseconds), and the percentiles of each. */
export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of sorted samples; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? 0,
    mean: sorted.length === 0 ? 0 : total / sorted.length,
  };
}

/** Collects latencies and failures per step name. */
export class Recorder {
  readonly samples = new Map<string, number[]>();
  readonly errors = new Map<string, number>();
  /** Failures by status and code, e.g. `submit 409 INSUFFICIENT_STOCK`: a few kinds, counted. */
  readonly errorKinds = new Map<string, number>();
  serverErrors = 0;

  record(step: string, ms: number): void {
    let list = this.samples.get(step);
    if (!list) {
      list = [];
      this.samples.set(step, list);
    }
    list.push(ms);
  }

  fail(step: string, status: number, code: string): void {
    this.errors.set(step, (this.errors.get(step) ?? 0) + 1);
    const kind = `${step} ${status} ${code}`;
    this.errorKinds.set(kind, (this.errorKinds.get(kind) ?? 0) + 1);
    if (status >= 500 || status === 0) this.serverErrors++;
  }

  totalErrors(): number {
    let total = 0;
    for (const count of this.errors.values()) total += count;
    return total;
  }

  summary(step: string): Summary {
    return summarize(this.samples.get(step) ?? []);
  }

  steps(): string[] {
    return [...this.samples.keys()];
  }
}

export const round = (value: number, digits = 1): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};
