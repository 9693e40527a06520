import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../ops/process.ts';

/**
 * The Node versions package.json claims are ones npm installs the locked tree on without an
 * EBADENGINE warning: every range's lowest version must satisfy every locked package's own
 * `engines.node` (npm copies it into the lock file). A dependency bumped to a release that drops
 * one of those lines fails here, not on a user's machine.
 */

interface Locked {
  engines?: { node?: string } | string[];
  dev?: boolean;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, Locked>;
};

/** The lowest version of each branch of a range like `^20.19.0 || ^22.13.0 || >=24`. */
function lowestOfEachLine(range: string): string[] {
  return new semver.Range(range).set.map((comparators) => {
    const lowest = semver.minVersion(comparators.map((c) => c.value).join(' '));
    if (!lowest) throw new Error(`no version satisfies ${range}`);
    return lowest.version;
  });
}

describe('the Node engine range', () => {
  const claimed = lowestOfEachLine(pkg.engines.node);

  it('names at least the Node 20 this is tested on', () => {
    expect(claimed).toContain('20.19.0');
    expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true);
  });

  it.each(claimed)('Node %s satisfies every locked package, dev tools included', (version) => {
    const refusing = Object.entries(lock.packages)
      .filter(([path, locked]) => {
        const range = Array.isArray(locked.engines) ? undefined : locked.engines?.node;
        return path !== '' && range !== undefined && !semver.satisfies(version, range);
      })
      .map(([path, locked]) => `${path} (${JSON.stringify(locked.engines)})`);
    expect(refusing).toEqual([]);
  });
});
