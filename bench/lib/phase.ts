import { ownCpuSeconds, postgresCpuSeconds } from './cpu.ts';
import type { Answer, Api } from './http.ts';
import { errorCode } from './http.ts';
import { runLoad } from './load.ts';
import type { ServerChild } from './server-child.ts';
import { Recorder, type Summary } from './stats.ts';

/** CPU seconds spent during a phase by the server, the local PostgreSQL, and the load generator. */
export interface CpuSpent {
  server: number;
  /** SQL statements the server sent (BEGIN and COMMIT included). */
  statements: number;
  postgres: number | null;
  client: number;
}

export async function withCpu<T>(
  server: ServerChild,
  work: () => Promise<T>,
): Promise<{ result: T; cpu: CpuSpent }> {
  const start = await server.sample();
  const before = {
    server: start.cpuSeconds,
    postgres: postgresCpuSeconds(server.databaseName),
    client: ownCpuSeconds(),
  };
  const result = await work();
  const end = await server.sample();
  const postgres1 = postgresCpuSeconds(server.databaseName);
  return {
    result,
    cpu: {
      server: end.cpuSeconds - before.server,
      statements: end.statements - start.statements,
      postgres: before.postgres === null || postgres1 === null ? null : postgres1 - before.postgres,
      client: ownCpuSeconds() - before.client,
    },
  };
}

/** One measured phase: how many operations completed, in how long, with what latency and cost. */
export interface PhaseResult {
  name: string;
  concurrency: number;
  completed: number;
  attempted: number;
  elapsedMs: number;
  perSecond: number;
  errors: number;
  serverErrors: number;
  errorKinds: Record<string, number>;
  steps: Record<string, Summary>;
  cpu: CpuSpent;
}

/**
 * Runs `iteration` closed-loop at `concurrency` for `durationMs` (at most `maxIterations`),
 * counting an iteration as completed when it returns true.
 */
export async function runPhase(options: {
  name: string;
  server: ServerChild;
  concurrency: number;
  durationMs: number;
  maxIterations: number;
  iteration: (recorder: Recorder, vu: number, n: number) => Promise<boolean>;
}): Promise<PhaseResult> {
  const recorder = new Recorder();
  let completed = 0;
  const { result: run, cpu } = await withCpu(options.server, () =>
    runLoad({
      concurrency: options.concurrency,
      durationMs: options.durationMs,
      maxIterations: options.maxIterations,
      iteration: async (vu, n) => {
        if (await options.iteration(recorder, vu, n)) completed++;
      },
    }),
  );
  return {
    name: options.name,
    concurrency: options.concurrency,
    completed,
    attempted: run.iterations,
    elapsedMs: run.elapsedMs,
    perSecond: completed / (run.elapsedMs / 1000),
    errors: recorder.totalErrors(),
    serverErrors: recorder.serverErrors,
    errorKinds: Object.fromEntries(recorder.errorKinds),
    steps: Object.fromEntries(recorder.steps().map((step) => [step, recorder.summary(step)])),
    cpu,
  };
}

/** Records an answer under `step`: its latency, and a failure unless its status is `expected`. */
export function expect(
  recorder: Recorder,
  step: string,
  answer: Answer,
  expected: number | readonly number[],
): boolean {
  recorder.record(step, answer.ms);
  const ok =
    typeof expected === 'number' ? answer.status === expected : expected.includes(answer.status);
  if (!ok) recorder.fail(step, answer.status, errorCode(answer));
  return ok;
}

/** The HTTP ceiling of one server process: GET /health (the app's route, with its DB ping). */
export function healthPhase(
  server: ServerChild,
  api: Api,
  concurrency: number,
  durationMs: number,
): Promise<PhaseResult> {
  return runPhase({
    name: 'GET /health',
    server,
    concurrency,
    durationMs,
    maxIterations: 5_000_000,
    iteration: async (recorder) =>
      expect(recorder, 'health', await api.call('GET', '/health', null), 200),
  });
}

/** A short unmeasured run so that the server's JIT and pools are warm before measuring. */
export async function warmUp(api: Api, concurrency: number, ms = 2000): Promise<void> {
  await runLoad({
    concurrency,
    durationMs: ms,
    maxIterations: 1_000_000,
    iteration: async () => {
      await api.call('GET', '/health', null);
    },
  });
}
