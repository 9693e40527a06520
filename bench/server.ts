/**
 * The service under test, as its own process: `node --import tsx bench/server.ts`, configured
 * by the environment like `npm start` (the parent sets DATABASE_URL or DATA_DIR, secrets, no
 * rate limits, no outbox sink). It listens on a free loopback port and talks to the parent
 * over IPC: `ready` with its address, its CPU time on request, and a graceful stop.
 */

import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { startService } from '../src/service.ts';

type Message = { type: 'cpu' } | { type: 'analyze' } | { type: 'stop' };

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

async function main(): Promise<void> {
  if (!process.send) throw new Error('bench/server.ts is started by bench/run.ts (it needs IPC)');
  const config = { ...loadConfig(process.env), port: 0, host: '127.0.0.1' };
  const service = await startService(config);
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await service.stop().catch((err: unknown) => console.error('bench server: stop failed', err));
    // process.exit writes the --cpu-prof profile, if one was asked for.
    process.exit(code);
  };
  process.on('message', (message: Message) => {
    if (message.type === 'cpu') send({ type: 'cpu', usage: process.cpuUsage(), statements });
    if (message.type === 'stop') void stop(0);
    // What autovacuum does on PostgreSQL after a while (and nothing does on the embedded
    // store): fresh planner statistics, so that cached plans are made for tables that are full.
    if (message.type === 'analyze') {
      sql`ANALYZE`.execute(service.system.store.db).then(
        () => send({ type: 'analyzed' }),
        (err: unknown) => send({ type: 'analyzed', error: String(err) }),
      );
    }
  });
  // The parent went away without saying stop: do not outlive it.
  process.on('disconnect', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  send({ type: 'ready', address: service.address, pid: process.pid });
}

main().catch((err: unknown) => {
  console.error('bench server: failed to start', err);
  process.exit(1);
});
