/**
 * The service under test, as its own process: `node --import tsx bench/server.ts`, configured
 * by the environment like `npm start` (the parent sets DATABASE_URL or DATA_DIR, secrets, no
 * rate limits, no outbox sink). It listens on a free loopback port and talks to the parent
 * over IPC: `ready` with its address, its CPU time on request, and a graceful stop.
 *
 * With BENCH_WORKERS=n (n > 1) it runs as `serve --workers n` does (src/cluster.ts): this process
 * is the primary (the background workers), n forked copies of it serve HTTP; CPU time and SQL
 * statements are the sum over all of them.
 *
 * `--compare` copies this file into another revision's worktree: it imports nothing of src/ but
 * the entry points every revision has (config, service; cluster only when asked for).
 */

import cluster from 'node:cluster';
import { PGlite } from '@electric-sql/pglite';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { startService } from '../src/service.ts';

type Message = { type: 'cpu' } | { type: 'analyze' } | { type: 'stop' };
interface CpuAnswer {
  type: 'cpu';
  usage: NodeJS.CpuUsage;
  statements: number;
}

const send = (message: unknown) => process.send?.(message);

/** SQL statements sent to the database (BEGIN and COMMIT included), counted for SQL per operation. */
let statements = 0;
function countCalls(prototype: { query: (...args: never[]) => unknown }): void {
  const query = prototype.query;
  prototype.query = function counted(this: unknown, ...args: never[]) {
    statements++;
    return query.apply(this, args);
  };
}
countCalls(pg.Client.prototype as unknown as { query: (...args: never[]) => unknown });
countCalls(PGlite.prototype as unknown as { query: (...args: never[]) => unknown });

const ownCpu = (): CpuAnswer => ({ type: 'cpu', usage: process.cpuUsage(), statements });

/** Answers the parent's messages: CPU time, ANALYZE, stop. */
function serveParent(options: {
  cpu: () => Promise<CpuAnswer>;
  // biome-ignore lint/suspicious/noExplicitAny: the database type of whichever revision runs this
  db: Kysely<any>;
  stop: () => Promise<unknown>;
}): void {
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await options.stop().catch((err: unknown) => console.error('bench server: stop failed', err));
    // process.exit writes the --cpu-prof profile, if one was asked for.
    process.exit(code);
  };
  process.on('message', (message: Message) => {
    if (message.type === 'cpu') void options.cpu().then(send);
    if (message.type === 'stop') void stop(0);
    // What autovacuum does on PostgreSQL after a while (and nothing does on the embedded
    // store): fresh planner statistics, so that cached plans are made for tables that are full.
    if (message.type === 'analyze') {
      sql`ANALYZE`.execute(options.db).then(
        () => send({ type: 'analyzed' }),
        (err: unknown) => send({ type: 'analyzed', error: String(err) }),
      );
    }
  });
  // The parent went away without saying stop: do not outlive it.
  process.on('disconnect', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
}

async function single(): Promise<void> {
  const config = { ...loadConfig(process.env), port: 0, host: '127.0.0.1' };
  const service = await startService(config);
  serveParent({
    cpu: async () => ownCpu(),
    db: service.system.store.db,
    stop: () => service.stop(),
  });
  send({ type: 'ready', address: service.address, pid: process.pid });
}

async function clusterModule() {
  try {
    return await import('../src/cluster.ts');
  } catch (err) {
    throw new Error(
      `BENCH_WORKERS > 1: this revision has no src/cluster.ts (serve --workers): ${String(err)}`,
    );
  }
}

async function primary(workers: number): Promise<void> {
  const { startClusterPrimary } = await clusterModule();
  const config = { ...loadConfig(process.env), port: 0, host: '127.0.0.1' };
  const running = await startClusterPrimary(config, workers);
  let asked = 0;
  /** Its own CPU and statements (the background workers) plus every HTTP worker's. */
  const cpu = async (): Promise<CpuAnswer> => {
    const id = ++asked;
    const answers = await Promise.all(
      running.workers().map(
        (worker) =>
          new Promise<CpuAnswer>((resolve) => {
            const onMessage = (message: CpuAnswer & { id?: number }) => {
              if (message.type !== 'cpu' || message.id !== id) return;
              worker.off('message', onMessage);
              resolve(message);
            };
            worker.on('message', onMessage);
            worker.send({ type: 'cpu', id });
          }),
      ),
    );
    const total = ownCpu();
    for (const answer of answers) {
      total.usage = {
        user: total.usage.user + answer.usage.user,
        system: total.usage.system + answer.usage.system,
      };
      total.statements += answer.statements;
    }
    return total;
  };
  serveParent({ cpu, db: running.system.store.db, stop: () => running.stop() });
  send({ type: 'ready', address: running.address, pid: process.pid });
}

async function worker(): Promise<void> {
  const { startClusterWorker } = await clusterModule();
  const config = { ...loadConfig(process.env), port: 0, host: '127.0.0.1' };
  const service = await startClusterWorker(config);
  process.on('message', (message: { type: string; id?: number }) => {
    if (message.type === 'cpu') send({ ...ownCpu(), id: message.id });
  });
  let stopping = false;
  // The primary's stop sends SIGTERM: drain, then exit (which writes a --cpu-prof profile).
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    void service.stop().finally(() => process.exit(0));
  });
  process.on('SIGINT', () => {});
}

function main(): Promise<void> {
  if (!process.send) throw new Error('bench/server.ts is started by bench/run.ts (it needs IPC)');
  const workers = Number(process.env.BENCH_WORKERS ?? '1');
  if (cluster.isWorker) return worker();
  return workers > 1 ? primary(workers) : single();
}

main().catch((err: unknown) => {
  console.error('bench server: failed to start', err);
  process.exit(1);
});
