#!/usr/bin/env node
// The `ordersession` command. It runs the compiled code in dist/ (`npm run build`, which
// `npm install` runs too). In a checkout whose src/ changed after that build (an edit, a
// `git pull`), it runs the source through tsx instead, slower to start but never stale.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

function modified(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The newest change under src/: files and folders (removing a file changes its folder). */
function newestSource(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

const built = modified(join(root, 'dist/cli.js'));
const source = modified(join(root, 'src')) === undefined ? undefined : join(root, 'src');
const stale =
  source !== undefined &&
  (built === undefined ||
    Math.max(
      newestSource(source),
      modified(join(root, 'tsconfig.json')) ?? 0,
      modified(join(root, 'tsconfig.build.json')) ?? 0,
    ) > built);

if (!stale) {
  await import('../dist/cli.js');
} else {
  if (built !== undefined) {
    process.stderr.write(
      'ordersession: src/ changed since the last build; running it through tsx (`npm run build` starts faster)\n',
    );
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
