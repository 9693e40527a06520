/**
 * `npm run bench -- <name> [--store postgres|embedded] [--duration <s>] [--concurrency 10,50]
 *  [--orders <n>] [--workers <n>] [--profile] [--compare <git-ref>]`: runs one benchmark, prints
 * its tables, writes bench/results/<name>-<store>-<time>.json. See bench/README.md.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkout } from './checkout.ts';
import { expiry } from './expiry.ts';
import { flashSale } from './flash-sale.ts';
import { compareTable, type KeyFigure, keyFigures, medianFigures } from './lib/compare.ts';
import { describeMachine } from './lib/machine.ts';
import { summarizeProfiles } from './lib/profile.ts';
import type { BenchContext, Benchmark } from './lib/report.ts';
import { describeWorkingTree, prepareRevision, type Revision } from './lib/revision.ts';
import { killServerChildren } from './lib/server-child.ts';
import { renderTable } from './lib/table.ts';
import { cleanupAllTargets, type StoreKind } from './lib/target.ts';
import { session } from './session.ts';

const BENCHMARKS: Record<string, Benchmark> = {
  checkout,
  'flash-sale': flashSale,
  expiry,
  session,
};

const USAGE = `usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}> [options]
  --store postgres|embedded   default postgres (DATABASE_URL, or a scratch database on 127.0.0.1)
  --duration <seconds>        length of each measured phase (default 15)
  --concurrency <a,b>         virtual users (checkout default 10,50; flash-sale and session 50)
  --orders <n>                expiry: orders per data set (default 100000)
  --workers <n>               HTTP benchmarks: the server as n processes (serve --workers; PostgreSQL);
                              two counts (1,2): the benchmark with each, and the ratio of their figures
  --profile                   write a V8 CPU profile of the server child and print its top functions
  --no-analyze                skip the ANALYZE after warm-up (see "fresh database" in bench/README.md)
  --compare <git-ref>         first run the same benchmark on that revision (a temporary worktree,
                              same harness, same database server), then on this tree; print both
                              and the ratio of their key figures
  --rounds <n>                with --compare: alternate the two n times (ref, tree, ref, tree, …);
                              the ratio table then compares the medians of the rounds`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      store: { type: 'string', default: 'postgres' },
      duration: { type: 'string', default: '15' },
      concurrency: { type: 'string' },
      orders: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'no-analyze': { type: 'boolean', default: false },
      workers: { type: 'string', default: '1' },
      compare: { type: 'string' },
      rounds: { type: 'string', default: '1' },
      // Internal: where --compare's run of the other revision writes its result.
      'result-file': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const name = positionals[0];
  const benchmark = name ? BENCHMARKS[name] : undefined;
  if (values.help || !name || !benchmark) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const store = values.store as StoreKind;
  if (store !== 'postgres' && store !== 'embedded') {
    console.error(`--store must be postgres or embedded\n${USAGE}`);
    return 2;
  }
  const duration = Number(values.duration);
  if (!(duration > 0 && duration <= 600)) {
    console.error('--duration: 1 to 600 seconds');
    return 2;
  }
  const concurrency = values.concurrency?.split(',').map(Number);
  if (concurrency?.some((c) => !(Number.isInteger(c) && c >= 1 && c <= 1000))) {
    console.error('--concurrency: whole numbers from 1 to 1000, comma-separated');
    return 2;
  }
  const orders = values.orders === undefined ? undefined : Number(values.orders);
  if (orders !== undefined && !(Number.isInteger(orders) && orders >= 1 && orders <= 10_000_000)) {
    console.error('--orders: 1 to 10000000');
    return 2;
  }

  const counts = values.workers.split(',').map(Number);
  if (counts.length > 2 || counts.some((n) => !(Number.isInteger(n) && n >= 1 && n <= 64))) {
    console.error('--workers: 1 to 64, or two counts to compare (e.g. 1,2)');
    return 2;
  }
  const workers = counts[counts.length - 1] ?? 1;
  if (counts.length > 1 && values.compare) {
    console.error('--workers a,b compares two counts: leave --compare out');
    return 2;
  }
  if (workers > 1 && store !== 'postgres') {
    console.error('--workers > 1 needs PostgreSQL (the embedded store is one process)');
    return 2;
  }

  const rounds = Number(values.rounds);
  if (!(Number.isInteger(rounds) && rounds >= 1 && rounds <= 20)) {
    console.error('--rounds: 1 to 20');
    return 2;
  }
  /** A run of this tree's benchmark that only prints its tables (the extra rounds). */
  const runHere = async (count: number, label: string) => {
    const report = await benchmark({
      store,
      durationMs: duration * 1000,
      profile: values.profile,
      analyze: !values['no-analyze'],
      runId: `${name}-${store}-${label}-${Date.now()}`,
      concurrency,
      orders,
      workers: count,
      log: (line) => console.log(`  … ${line}`),
    });
    for (const table of report.tables) console.log(`${renderTable(table)}\n`);
    return report;
  };

  let other:
    | { revision: Revision; result: Record<string, unknown>; code: number; rounds: KeyFigure[][] }
    | undefined;
  const ourRounds: KeyFigure[][] = [];
  if (values.compare) {
    const revision = await prepareRevision(values.compare, (line) => console.log(`  … ${line}`));
    const forwarded = [
      name,
      '--store',
      store,
      '--duration',
      String(duration),
      '--workers',
      String(workers),
      ...(values.concurrency ? ['--concurrency', values.concurrency] : []),
      ...(values.orders ? ['--orders', values.orders] : []),
      ...(values.profile ? ['--profile'] : []),
      ...(values['no-analyze'] ? ['--no-analyze'] : []),
    ];
    const theirRounds: KeyFigure[][] = [];
    let code = 0;
    let result: Record<string, unknown> = {};
    for (let round = 1; round <= rounds; round++) {
      const of = rounds > 1 ? `, round ${round} of ${rounds}` : '';
      const file = `${resultsDir()}${name}-${store}-${revision.sha.slice(0, 8)}-${Date.now()}.json`;
      console.log(`\n## ${values.compare} (${revision.sha.slice(0, 8)})${of}, measured first\n`);
      code = Math.max(code, await runRevision(revision, [...forwarded, '--result-file', file]));
      result = JSON.parse(readFileSync(file, 'utf8'));
      theirRounds.push(keyFigures(name, result.figures as Record<string, unknown>));
      console.log(`\n## this working tree (${await describeWorkingTree()})${of}\n`);
      if (round < rounds) {
        const mine = await runHere(workers, `round${round}`);
        ourRounds.push(keyFigures(name, mine.figures));
        if (mine.checks.some((check) => !check.ok)) code = Math.max(code, 1);
      }
    }
    other = { revision, result, code, rounds: theirRounds };
  }

  let fewer: { workers: number; figures: Record<string, unknown> } | undefined;
  if (counts.length > 1) {
    const first = counts[0] ?? 1;
    console.log(`\n## ${first} server process${first > 1 ? 'es' : ''}, measured first\n`);
    const report = await runHere(first, `w${first}`);
    fewer = { workers: first, figures: report.figures };
    console.log(`\n## ${workers} server processes\n`);
  }

  const startedAt = new Date();
  const runId = `${name}-${store}-${startedAt.toISOString().replace(/[:.]/g, '-')}`;
  const machine = await describeMachine(process.env.DATABASE_URL);
  console.log(
    `# ${name} on ${store}: ${machine.cpus} CPUs, ${machine.memoryGiB} GiB, node ${machine.node}, PostgreSQL ${machine.postgres}, load average ${machine.loadAverage.join(' ')}`,
  );
  const context: BenchContext = {
    store,
    durationMs: duration * 1000,
    profile: values.profile,
    analyze: !values['no-analyze'],
    runId,
    concurrency,
    orders,
    workers,
    log: (line) => console.log(`  … ${line}`),
  };
  const report = await benchmark(context);
  const profiles = report.profiles ? summarizeProfiles(report.profiles) : undefined;
  console.log('');
  for (const table of [...report.tables, ...(profiles?.tables ?? [])]) {
    console.log(renderTable(table));
    console.log('');
  }
  const figures = keyFigures(name, report.figures);
  ourRounds.push(figures);
  if (fewer) {
    const processes = (n: number) => `${n} process${n > 1 ? 'es' : ''}`;
    console.log(
      renderTable(
        compareTable(
          `${name} (${store}): ${processes(fewer.workers)} → ${processes(workers)}`,
          { label: processes(fewer.workers), figures: keyFigures(name, fewer.figures) },
          { label: processes(workers), figures },
        ),
      ),
    );
    console.log('');
  }
  if (other) {
    const mine = await describeWorkingTree();
    const theirs = `${values.compare} (${other.revision.sha.slice(0, 8)})`;
    const medians = rounds > 1 ? `, medians of ${rounds} alternating rounds` : '';
    console.log(
      renderTable(
        compareTable(
          `${name} (${store}${workers > 1 ? `, ${workers} workers` : ''}${medians}): ${theirs} → ${mine}`,
          { label: theirs, figures: medianFigures(other.rounds) },
          { label: mine, figures: medianFigures(ourRounds) },
        ),
      ),
    );
    console.log('');
    await other.revision.cleanup();
  }
  const file = values['result-file'] ?? `${resultsDir()}${runId}.json`;
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        benchmark: name,
        store,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        options: {
          durationSeconds: duration,
          concurrency,
          orders,
          profile: values.profile,
          analyze: context.analyze,
          workers,
        },
        machine,
        checks: report.checks,
        targets: report.targets,
        tables: report.tables,
        figures: report.figures,
        keyFigures: figures,
        ...(fewer
          ? {
              fewerWorkers: {
                workers: fewer.workers,
                figures: fewer.figures,
                keyFigures: keyFigures(name, fewer.figures),
              },
            }
          : {}),
        ...(other
          ? {
              compare: {
                ref: values.compare,
                sha: other.revision.sha,
                modules: other.revision.modules,
                checksPassed: other.code === 0,
                rounds,
                keyFigures: medianFigures(other.rounds),
                ourKeyFigures: medianFigures(ourRounds),
                byRound: { theirs: other.rounds, ours: ourRounds },
              },
            }
          : {}),
        ...(profiles ? { profiles: profiles.files, profileSummary: profiles.tables } : {}),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`result: ${file}`);
  const failed = report.checks.filter((check) => !check.ok);
  if (other && other.code !== 0) {
    console.log(`FAILED checks on ${values.compare}: see its tables above`);
  }
  if (failed.length > 0) {
    console.log(`FAILED checks: ${failed.map((check) => check.name).join('; ')}`);
    return 1;
  }
  return other && other.code !== 0 ? 1 : 0;
}

function resultsDir(): string {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The run of the other revision: this harness, copied into its worktree, as a child process. */
let revisionRun: ChildProcess | undefined;
function runRevision(revision: Revision, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], {
      cwd: revision.dir,
      stdio: 'inherit',
      env: process.env,
    });
    revisionRun = child;
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      revisionRun = undefined;
      if (signal) reject(new Error(`the run of ${revision.ref} ended by ${signal}`));
      // 1: a correctness check failed there (reported, and this run goes on); else it broke.
      else if (code === 0 || code === 1) resolve(code);
      else reject(new Error(`the run of ${revision.ref} failed (exit code ${code})`));
    });
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killServerChildren();
    const child = revisionRun;
    // The other revision's run drops its own scratch databases; its worktree goes after it.
    const childDone = child
      ? new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 20_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        })
      : Promise.resolve();
    void childDone.then(() => cleanupAllTargets()).finally(() => process.exit(130));
  });
}

main().then(
  (code) => void cleanupAllTargets().finally(() => process.exit(code)),
  (err: unknown) => {
    console.error(err);
    killServerChildren();
    void cleanupAllTargets().finally(() => process.exit(1));
  },
);
