import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { deferCleanup } from './target.ts';

const run = promisify(execFile);

/** The working tree this bench runs from. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Another revision of the service, checked out and installed in a temporary worktree. */
export interface Revision {
  ref: string;
  sha: string;
  dir: string;
  /** How its dependencies were installed: shared with the working tree, or `npm ci`. */
  modules: 'shared' | 'installed';
  /** Removes the worktree (also done at the end of an interrupted run). */
  cleanup(): Promise<void>;
}

async function git(args: string[], cwd = ROOT): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** `git describe` of the working tree, `-dirty` when it has uncommitted changes. */
export async function describeWorkingTree(): Promise<string> {
  return git(['describe', '--always', '--dirty', '--exclude', '*']).catch(() => 'working tree');
}

/**
 * `git worktree add` of `ref` in a temporary folder, its dependencies installed, and this
 * working tree's bench/ in place of its own: the same load, checks and measurements run against
 * that revision's src/ (and its migrations). node_modules is a link to this tree's when both
 * package-lock.json files are identical, else `npm ci` from the npm cache.
 */
export async function prepareRevision(ref: string, log: (line: string) => void): Promise<Revision> {
  const sha = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => {
    throw new Error(`--compare: ${ref} is not a commit of this repository`);
  });
  const dir = mkdtempSync(join(tmpdir(), `ordersession-compare-${sha.slice(0, 8)}-`));
  const cleanup = deferCleanup(async () => {
    await git(['worktree', 'remove', '--force', dir]).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    await git(['worktree', 'prune']).catch(() => {});
  });
  try {
    log(`checking out ${ref} (${sha.slice(0, 8)}) in ${dir}`);
    await git(['worktree', 'add', '--detach', '--quiet', dir, sha]);
    const lock = (root: string) => {
      const file = join(root, 'package-lock.json');
      return existsSync(file) ? readFileSync(file, 'utf8') : null;
    };
    let modules: Revision['modules'];
    if (lock(dir) !== null && lock(dir) === lock(ROOT)) {
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      modules = 'shared';
    } else {
      log(`${ref}'s package-lock.json differs from this tree's: npm ci (from the npm cache)`);
      await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], {
        cwd: dir,
        maxBuffer: 64 * 1024 * 1024,
      });
      modules = 'installed';
    }
    rmSync(join(dir, 'bench'), { recursive: true, force: true });
    cpSync(join(ROOT, 'bench'), join(dir, 'bench'), {
      recursive: true,
      filter: (source) => !source.startsWith(join(ROOT, 'bench', 'results')),
    });
    return { ref, sha, dir, modules, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
