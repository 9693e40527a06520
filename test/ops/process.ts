import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import { GATEWAY_KEY } from '../support/http.ts';

/** Real processes of the service, as an operator runs them: the CLI through tsx's loader. */
export const ROOT = join(import.meta.dirname, '../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const CLI = join(ROOT, 'src/cli.ts');
/** Startup on this shared 2-core machine can take half a minute under load. */
const START_TIMEOUT_MS = 110_000;

/** The environment of a child: ours, minus anything that would pick another store or port. */
export function childEnv(patch: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'DATA_DIR', 'PORT', 'NODE_ENV', 'SANDBOX_PAYMENTS']) {
    delete env[name];
  }
  Object.assign(env, {
    HOST: '127.0.0.1',
    GATEWAY_KEY,
    PAYMENT_WEBHOOK_SECRET: 'ops-test-payment-secret-0123',
    OUTBOX_SINK: 'log',
    LOG_LEVEL: 'info',
    // No background run writes while a test compares files or counts requests.
    SESSION_EXPIRE_JOB_INTERVAL: '3600',
    SESSION_SWEEP_INTERVAL_SECONDS: '3600',
    OUTBOX_POLL_INTERVAL_MS: '600000',
    RATE_LIMIT_ORDERS_PER_MINUTE: '0',
  });
  for (const [name, value] of Object.entries(patch)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export interface Child {
  process: ChildProcess;
  pid: number;
  url: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with its exit code and signal, and when that came. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Starts a process and resolves once its output contains `ready` (the server's banner). */
export async function startChild(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; port: number; ready?: RegExp },
): Promise<Child> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
    (resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
    },
  );
  const ready = options.ready ?? /ordersession is serving on/;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready after ${START_TIMEOUT_MS} ms:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    process: child,
    pid: child.pid ?? 0,
    url: `http://127.0.0.1:${options.port}`,
    output: () => output,
    exited,
  };
}

/** `ordersession serve`, as `node --import tsx src/cli.ts serve`. */
export function startServer(options: { cwd: string; env: NodeJS.ProcessEnv; port: number }) {
  return startChild(process.execPath, ['--import', TSX, CLI, 'serve'], options);
}

/** One CLI command to its end: exit code, output, how long it took. */
export function runCli(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', TSX, CLI, ...args],
      { cwd: options.cwd, env: options.env, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

/** Ends a child we started, if it still runs, and waits for it. */
export async function killChild(child: Child | undefined): Promise<void> {
  if (!child || child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGKILL');
  await child.exited;
}

/** True while a process with this pid exists. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const gateway = (tenant: string, user: string, role = 'user') => ({
  'x-gateway-key': GATEWAY_KEY,
  'x-tenant-id': tenant,
  'x-user-id': user,
  'x-user-role': role,
});

/** A JSON request to a child server; the status and parsed body, checked to be in the envelope. */
export async function call<T = unknown>(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{
  status: number;
  body: { success: boolean; data: T; error?: string };
  headers: Headers;
}> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const body = (await response.json()) as { success: boolean; data: T; error?: string };
  expect(typeof body.success, JSON.stringify(body)).toBe('boolean');
  return { status: response.status, body, headers: response.headers };
}
