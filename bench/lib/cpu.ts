import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process times in clock ticks: 100 per second on every common kernel. */
const TICKS_PER_SECOND = 100;

/** utime + stime of one process, in seconds, from /proc; null where /proc is not there. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * CPU seconds of the PostgreSQL backends (and autovacuum workers) connected to `database` on
 * this machine: the database's share of a local run, whatever else the server is doing for
 * other databases. Backends that exit in between are not counted; the server's pool keeps its
 * connections while under load.
 */
export function postgresCpuSeconds(database: string | undefined): number | null {
  if (!database) return null;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  let total = 0;
  let found = false;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      // e.g. "postgres: 15/main: postgres ordersession_bench_x 127.0.0.1(52126) idle"
      if (!cmdline.startsWith('postgres: ') || !cmdline.includes(` ${database} `)) continue;
      const seconds = processCpuSeconds(Number(entry));
      if (seconds === null) continue;
      total += seconds;
      found = true;
    } catch {
      // The process ended while we looked.
    }
  }
  return found ? total : null;
}

/** The bench process's own CPU seconds (the load generator). */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}
