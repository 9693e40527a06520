// `npm run build` (also run by `npm install` and `npm pack`, as `prepare`): compiles src/ to
// dist/ (JavaScript and .d.ts) from a clean folder, so no file of a removed source lingers.
// dist/cli.js is then dated to when the compiler started reading src/: bin/ordersession.mjs runs
// dist/ only while nothing under src/ is newer than that, so an edit made during the build still
// counts as newer.
import { execFileSync } from 'node:child_process';
import { rmSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('../', import.meta.url);
const started = new Date();
rmSync(new URL('dist/', root), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
} catch {
  // Half a build is worse than none: without dist/, the command runs the source through tsx.
  rmSync(new URL('dist/', root), { recursive: true, force: true });
  process.exit(1);
}
utimesSync(new URL('dist/cli.js', root), started, started);
