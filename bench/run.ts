/**
 * `npm run bench -- <name> [--store postgres|embedded] [--duration <s>] [--concurrency 10,50]
 *  [--orders <n>] [--profile]`: runs one benchmark, prints its tables, writes
 * bench/results/<name>-<store>-<time>.json. See bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkout } from './checkout.ts';
import { expiry } from './expiry.ts';
import { flashSale } from './flash-sale.ts';
import { describeMachine } from './lib/machine.ts';
import { summarizeProfiles } from './lib/profile.ts';
import type { BenchContext, Benchmark } from './lib/report.ts';
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
  --profile                   write a V8 CPU profile of the server child and print its top functions
  --no-analyze                skip the ANALYZE after warm-up (see "fresh database" in bench/README.md)`;

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
    log: (line) => console.log(`  … ${line}`),
  };
  const report = await benchmark(context);
  const profiles = report.profiles ? summarizeProfiles(report.profiles) : undefined;
  console.log('');
  for (const table of [...report.tables, ...(profiles?.tables ?? [])]) {
    console.log(renderTable(table));
    console.log('');
  }
  const results = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(results, { recursive: true });
  const file = `${results}${runId}.json`;
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
        },
        machine,
        checks: report.checks,
        targets: report.targets,
        tables: report.tables,
        figures: report.figures,
        ...(profiles ? { profiles: profiles.files, profileSummary: profiles.tables } : {}),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`result: ${file}`);
  const failed = report.checks.filter((check) => !check.ok);
  if (failed.length > 0) {
    console.log(`FAILED checks: ${failed.map((check) => check.name).join('; ')}`);
    return 1;
  }
  return 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killServerChildren();
    void cleanupAllTargets().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    killServerChildren();
    void cleanupAllTargets().finally(() => process.exit(1));
  },
);
