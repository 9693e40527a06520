import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { type Config, ConfigError } from './config.ts';
import type { DrainResult } from './http/drain.ts';
import { type RunningService, startBackgroundWorkers, startService } from './service.ts';
import { openSystem, type System } from './system.ts';

/** How many HTTP processes `serve` runs: WORKERS or `--workers`, `auto` being one per CPU. */
export function resolveWorkers(setting: number | 'auto', config: Config): number {
  const count = setting === 'auto' ? availableParallelism() : setting;
  if (count > 1 && !config.databaseUrl) {
    throw new ConfigError([
      `WORKERS: ${count} processes need PostgreSQL (DATABASE_URL); the embedded store belongs to one process (its data folder is locked). Use WORKERS=1, or set DATABASE_URL.`,
    ]);
  }
  return count;
}

/** The primary of a cluster: the background workers, and the HTTP processes it forked. */
export interface ClusterPrimary {
  system: System;
  /** Where the workers listen, e.g. http://127.0.0.1:3006. */
  address: string;
  workers(): Worker[];
  /**
   * Asks every HTTP process to drain (each answers every request it received, see
   * src/http/drain.ts) and waits for them to exit, then stops the background workers and closes
   * the database. Clean when every process exited 0.
   */
  stop(): Promise<DrainResult>;
}

/** Time past the grace period after which a worker that has not exited is killed (before the primary's own hard stop, src/shutdown.ts). */
const KILL_MARGIN_MS = 1000;
/** A worker that dies unexpectedly is forked again after this pause (not in a tight loop). */
const RESPAWN_DELAY_MS = 1000;

/**
 * `serve --workers n` on PostgreSQL: this process (the primary) migrates and seeds once, runs
 * the background workers once (expiry, sweepers, the outbox relay and its LISTEN), and forks `n`
 * HTTP processes that share the port through node:cluster. Each worker is `startClusterWorker`.
 * Resolves once every worker listens.
 */
export async function startClusterPrimary(config: Config, count: number): Promise<ClusterPrimary> {
  // Opened before forking, so that migrations, the demo seed and any generated secret (the
  // gateway key kept in the data folder) are settled once, not raced by the workers.
  const system = await openSystem(config);
  const background = startBackgroundWorkers(system);
  const { logger } = system;
  let stopping = false;
  let address = '';

  const fork = () => {
    const worker = cluster.fork();
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      logger.error({ worker: worker.id, code, signal }, 'HTTP worker died; starting another');
      setTimeout(() => {
        if (!stopping) fork();
      }, RESPAWN_DELAY_MS).unref();
    });
    return worker;
  };
  try {
    await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<void>((resolve, reject) => {
            const worker = fork();
            worker.once('listening', (where) => {
              const host = config.host.includes(':') ? `[${config.host}]` : config.host;
              address = `http://${host}:${where.port}`;
              resolve();
            });
            worker.once('exit', (code) =>
              reject(new Error(`HTTP worker ${worker.id} exited (code ${code}) before listening`)),
            );
          }),
      ),
    );
  } catch (err) {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGKILL');
    await Promise.all(background.map((worker) => worker.stop()));
    await system.close();
    throw err;
  }

  let stopped: Promise<DrainResult> | undefined;
  const workers = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
  return {
    system,
    address,
    workers,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        const exits = workers().map(
          (worker) =>
            new Promise<boolean>((resolve) => {
              if (worker.isDead()) {
                resolve(worker.process.exitCode === 0);
                return;
              }
              const kill = setTimeout(
                () => worker.process.kill('SIGKILL'),
                config.shutdown.graceMs + KILL_MARGIN_MS,
              );
              worker.once('exit', (code) => {
                clearTimeout(kill);
                resolve(code === 0);
              });
              // Each worker drains on its own SIGTERM (src/shutdown.ts), as a single process does.
              worker.process.kill('SIGTERM');
            }),
        );
        const [clean] = await Promise.all([
          Promise.all(exits).then((codes) => codes.every(Boolean)),
          Promise.all(background.map((worker) => worker.stop())),
        ]);
        await system.close();
        return { clean, cut: 0 };
      })();
      return stopped;
    },
  };
}

/** One HTTP process of a cluster: the whole service but the background workers. */
export function startClusterWorker(config: Config): Promise<RunningService> {
  // The primary seeded the demo catalog already.
  return startService({ ...config, seedDemo: false }, { role: 'http' });
}
