import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  concurrency: number;
  /** Stop starting iterations after this long. */
  durationMs: number;
  /** And after this many, whichever comes first. */
  maxIterations: number;
  /** One iteration of virtual user `vu` (its `n`-th); it records its own timings and errors. */
  iteration: (vu: number, n: number) => Promise<void>;
}

export interface LoadRun {
  iterations: number;
  elapsedMs: number;
}

/**
 * Closed-loop load: `concurrency` virtual users, each starting its next iteration when the last
 * one ends, until the time or the count is used up; in-flight iterations are awaited.
 */
export async function runLoad(options: LoadOptions): Promise<LoadRun> {
  const started = performance.now();
  const deadline = started + options.durationMs;
  let begun = 0;
  const users = Array.from({ length: options.concurrency }, async (_, vu) => {
    let n = 0;
    while (performance.now() < deadline && begun < options.maxIterations) {
      begun++;
      await options.iteration(vu, n++);
    }
  });
  await Promise.all(users);
  return { iterations: begun, elapsedMs: performance.now() - started };
}
