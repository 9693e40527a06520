import { execFileSync } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { serverVersion } from './target.ts';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  freeMemoryGiB: number;
  node: string;
  postgres: string;
  /** 1, 5 and 15 minute load averages at the start: other work on the machine skews figures. */
  loadAverage: number[];
}

export async function describeMachine(databaseUrl: string | undefined): Promise<Machine> {
  let nproc = cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    // nproc is not everywhere.
  }
  return {
    cpus: nproc,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: await serverVersion(databaseUrl),
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}
