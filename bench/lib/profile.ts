import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Table } from './table.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: a file of src/, a package, node's internals, or the VM. */
function owner(url: string): string {
  if (!url) return '(native / VM)';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1] ?? url;
  const src = url.match(/\/(src\/.+|bench\/.+)$/);
  if (src) return src[1] ?? url;
  if (url.startsWith('node:')) return 'node: (core)';
  return url;
}

/**
 * Self time of every function and of every file or package in the V8 CPU profiles of a folder
 * (node --cpu-prof): where the server spends its CPU.
 */
export function summarizeProfiles(dirs: readonly string[]): { files: string[]; tables: Table[] } {
  const files = dirs.flatMap((dir) =>
    readdirSync(dir)
      // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (the
      // others are the module loader's).
      .filter((file) => file.endsWith('.cpuprofile') && file.split('.')[4] === '0')
      .map((file) => join(dir, file)),
  );
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    if (statSync(file).size === 0) continue;
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    profile.samples.forEach((id, i) => {
      const node = nodes.get(id);
      const micros = profile.timeDeltas[i] ?? 0;
      if (!node) return;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = owner(url);
      const name = `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
      byOwner.set(where, (byOwner.get(where) ?? 0) + micros);
      total += micros;
    });
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, micros]) => [
        name,
        (micros / 1000).toFixed(0),
        `${((micros / Math.max(total, 1)) * 100).toFixed(1)}%`,
      ]);
  return {
    files,
    tables: [
      {
        title: 'Server CPU profile: self time by file or package',
        columns: ['where', 'ms', 'share'],
        rows: top(byOwner, 25),
        notes: [
          `${files.length} profile(s), ${(total / 1e6).toFixed(1)} s sampled (main thread; idle time shows as "(idle)").`,
        ],
      },
      {
        title: 'Server CPU profile: self time by function',
        columns: ['function', 'ms', 'share'],
        rows: top(byFunction, 30),
      },
    ],
  };
}
