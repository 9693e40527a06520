import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Target } from './target.ts';

const SERVER_ENTRY = fileURLToPath(new URL('../server.ts', import.meta.url));

export interface ServerChild {
  /** e.g. http://127.0.0.1:41234 */
  address: string;
  pid: number;
  /** PostgreSQL: the database it uses (for its backends' CPU time). */
  databaseName: string | undefined;
  gatewayKey: string;
  webhookSecret: string;
  /** The server process's CPU seconds so far (user + system) and SQL statements it sent. */
  sample(): Promise<{ cpuSeconds: number; statements: number }>;
  /** Runs ANALYZE on the server's database, through the server (the embedded store is its own). */
  analyze(): Promise<void>;
  /** Graceful stop (SIGKILL after 15 s); resolves when the process has exited. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Write a V8 CPU profile of the server into this folder (node --cpu-prof). */
  profileDir?: string | undefined;
  /** Extra environment (e.g. LOG_LEVEL, DATABASE_POOL_SIZE). */
  env?: Record<string, string>;
  /** HTTP processes (serve --workers): bench/server.ts then runs as a cluster's primary. */
  workers?: number;
}

const children = new Set<ChildProcess>();

/** Kills every server child still running: for an interrupted run. */
export function killServerChildren(): void {
  for (const child of children) child.kill('SIGKILL');
}

/** Starts bench/server.ts as a child process against `target` and waits until it listens. */
export async function startServerChild(
  target: Target,
  options: ServerOptions = {},
): Promise<ServerChild> {
  const gatewayKey = randomBytes(24).toString('hex');
  const webhookSecret = randomBytes(24).toString('hex');
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATA_DIR: target.dataDir,
    GATEWAY_KEY: gatewayKey,
    PAYMENT_WEBHOOK_SECRET: webhookSecret,
    PUBLIC_BASE_URL: 'http://127.0.0.1:1',
    SEED_DEMO: 'false',
    RATE_LIMIT_ORDERS_PER_MINUTE: '0',
    RATE_LIMIT_RETRIES_PER_MINUTE: '0',
    OUTBOX_SINK: 'none',
    LOG_LEVEL: 'warn',
    BENCH_WORKERS: String(options.workers ?? 1),
    ...options.env,
  };
  delete env.DATABASE_URL;
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  const execArgv = ['--import', 'tsx'];
  if (options.profileDir) {
    mkdirSync(options.profileDir, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.profileDir}`);
  }
  const child = fork(SERVER_ENTRY, [], {
    env,
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => children.delete(child));

  const ready = await new Promise<{ address: string; pid: number }>((resolve, reject) => {
    // Each process loads the whole service through tsx: on a loaded machine that takes a while.
    const readyMs = 60_000 * (1 + (options.workers ?? 1));
    const timer = setTimeout(
      () => reject(new Error(`bench server: not ready after ${readyMs / 1000} s`)),
      readyMs,
    );
    child.on('message', (message: { type: string; address?: string; pid?: number }) => {
      if (message.type === 'ready' && message.address && message.pid) {
        clearTimeout(timer);
        resolve({ address: message.address, pid: message.pid });
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`bench server exited before it was ready (code ${child.exitCode})`));
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });

  return {
    address: ready.address,
    pid: ready.pid,
    databaseName: target.databaseName,
    gatewayKey,
    webhookSecret,
    sample: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('bench server: no CPU answer')), 10_000);
        const onMessage = (message: {
          type: string;
          usage?: NodeJS.CpuUsage;
          statements?: number;
        }) => {
          if (message.type !== 'cpu' || !message.usage) return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve({
            cpuSeconds: (message.usage.user + message.usage.system) / 1e6,
            statements: message.statements ?? 0,
          });
        };
        child.on('message', onMessage);
        child.send({ type: 'cpu' });
      }),
    analyze: () =>
      new Promise<void>((resolve, reject) => {
        const onMessage = (message: { type: string; error?: string }) => {
          if (message.type !== 'analyzed') return;
          child.off('message', onMessage);
          if (message.error) reject(new Error(`ANALYZE: ${message.error}`));
          else resolve();
        };
        child.on('message', onMessage);
        child.send({ type: 'analyze' });
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      if (child.connected) child.send({ type: 'stop' });
      else child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

export function profileDirFor(runId: string): string {
  return join(fileURLToPath(new URL('../results/profiles/', import.meta.url)), runId);
}
