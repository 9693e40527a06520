/**
 * `npm run test:sabotage [-- name-filter...]`: breaks each rule of `mutants.ts` in a copy of the
 * project (`.sabotage-tmp/`, removed at the end; the working tree is never written) and runs the
 * tests named for it. A sabotage must make at least one test fail; a pattern that no longer
 * matches exactly once stops the run ("target not found"). Before the sabotages, each test file
 * runs once unbroken in the copy and must pass, so that a failure means the sabotage was caught.
 * Exit status 0 only when every sabotage was caught.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SABOTAGES, type Sabotage } from './mutants.ts';

const ROOT = resolve(import.meta.dirname, '../..');
// Inside the project, so that the copy resolves packages from the project's node_modules.
const SANDBOX = join(ROOT, '.sabotage-tmp');
const COPIED = ['src', 'test', 'package.json', 'tsconfig.json', 'vitest.config.ts'];
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

interface Outcome {
  passed: number;
  failed: number;
  skipped: number;
  /** Files that failed to load or whose hooks failed: no verdict on any test. */
  brokenFiles: number;
  seconds: number;
}

function matchOnce(source: string, sabotage: Sabotage): void {
  const global = new RegExp(sabotage.find.source, `${sabotage.find.flags.replace('g', '')}g`);
  const count = [...source.matchAll(global)].length;
  if (count !== 1) {
    throw new Error(
      `target not found: "${sabotage.name}" expects ${sabotage.find} once in ${sabotage.file}, ` +
        `found ${count}. The code changed: update test/sabotage/mutants.ts.`,
    );
  }
}

function runTests(tests: string[]): Outcome {
  const report = join(SANDBOX, '.sabotage-report.json');
  rmSync(report, { force: true });
  const started = Date.now();
  spawnSync(
    process.execPath,
    [VITEST, 'run', '--bail', '1', '--reporter', 'json', '--outputFile', report, ...tests],
    { cwd: SANDBOX, stdio: ['ignore', 'ignore', 'pipe'], env: process.env, encoding: 'utf8' },
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  if (!existsSync(report)) return { passed: 0, failed: 0, skipped: 0, brokenFiles: 1, seconds };
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    testResults: { status: string; message: string; assertionResults: unknown[] }[];
  };
  const brokenFiles = json.testResults.filter(
    (file) => file.status === 'failed' && file.message !== '' && file.assertionResults.length === 0,
  ).length;
  return {
    passed: json.numPassedTests,
    failed: json.numFailedTests,
    skipped: json.numPendingTests + json.numTodoTests,
    brokenFiles,
    seconds,
  };
}

const describe = (o: Outcome) =>
  `${o.failed} failed, ${o.passed} passed, ${o.skipped} skipped` +
  (o.brokenFiles > 0 ? `, ${o.brokenFiles} file(s) broken` : '') +
  `, ${o.seconds} s`;

function main(): number {
  const filters = process.argv.slice(2);
  const chosen = SABOTAGES.filter(
    (s) => filters.length === 0 || filters.some((f) => s.name.includes(f)),
  );
  if (chosen.length === 0) throw new Error(`no sabotage matches ${filters.join(', ')}`);
  // Every pattern is checked before anything runs: a stale one fails in seconds.
  for (const sabotage of chosen)
    matchOnce(readFileSync(join(ROOT, sabotage.file), 'utf8'), sabotage);

  const started = Date.now();
  rmSync(SANDBOX, { recursive: true, force: true });
  mkdirSync(SANDBOX);
  try {
    for (const entry of COPIED)
      cpSync(join(ROOT, entry), join(SANDBOX, entry), { recursive: true });

    for (const file of [...new Set(chosen.flatMap((s) => s.tests))]) {
      const baseline = runTests([file]);
      console.log(`baseline ${file}: ${describe(baseline)}`);
      if (baseline.failed > 0 || baseline.brokenFiles > 0 || baseline.passed === 0) {
        console.error('The unbroken tests do not pass in the copy: no sabotage can be judged.');
        return 1;
      }
    }

    let missed = 0;
    for (const sabotage of chosen) {
      const path = join(SANDBOX, sabotage.file);
      const original = readFileSync(path, 'utf8');
      writeFileSync(path, original.replace(sabotage.find, sabotage.replace));
      try {
        const outcome = runTests(sabotage.tests);
        // Caught means a test failed; a file that no longer loads proves nothing.
        const caught = outcome.failed > 0;
        if (!caught) missed++;
        console.log(`${caught ? 'caught' : 'MISSED'}  ${sabotage.name}: ${describe(outcome)}`);
      } finally {
        writeFileSync(path, original);
      }
    }
    const minutes = ((Date.now() - started) / 60_000).toFixed(1);
    console.log(
      `${chosen.length - missed} of ${chosen.length} sabotages caught in ${minutes} min` +
        (missed > 0 ? `; ${missed} MISSED` : ''),
    );
    return missed === 0 ? 0 : 1;
  } finally {
    rmSync(SANDBOX, { recursive: true, force: true });
  }
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
