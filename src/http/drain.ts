import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { domainError } from '../domain/errors.ts';
import { sendError } from './envelope.ts';

/** Seconds a client is asked to wait before sending again what a draining instance refused. */
export const DRAIN_RETRY_AFTER_SECONDS = 1;

export interface DrainOptions {
  /** The most the whole drain may take; past it, the connections left are cut. */
  graceMs: number;
  /** Time between /ready answering 503 and the listener closing (for load balancers). */
  delayMs: number;
}

export interface DrainResult {
  /** Requests still running at the deadline, cut with their connections. */
  cut: number;
  /** The drain ended on time (every request answered, every connection closed). */
  clean: boolean;
}

export interface Drain {
  /** serving → unready (/ready is 503) → draining (no new connections, new requests 503) → closed. */
  readonly phase: () => 'serving' | 'unready' | 'draining' | 'closed';
  /** Requests received and not yet answered. */
  readonly inFlight: () => number;
  /** Runs the whole drain, then closes the Fastify app; resolves once it is closed. */
  drain(options: DrainOptions): Promise<DrainResult>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether `promise` settled within `ms`; the timer does not outlive the answer. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false);
  });
  try {
    return await Promise.race([promise.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

const drains = new WeakMap<FastifyInstance, Drain>();

/** The drain `installDrain` put on this app. */
export function drainOf(app: FastifyInstance): Drain {
  const drain = drains.get(app);
  if (!drain) throw new Error('installDrain was not called on this app');
  return drain;
}

/**
 * Graceful HTTP shutdown, kept in one place. Node's own `server.close()` also destroys every
 * keep-alive connection it deems idle, including one whose next request is on its way: the
 * client sees a reset. Instead the listener alone is closed; each request already received runs
 * to its end and its answer says `Connection: close`; a new request on a connection still open
 * answers 503 SHUTTING_DOWN (our envelope, `Retry-After`); connections left idle are closed only
 * once nothing is in flight; at the deadline, whatever remains is cut.
 */
export function installDrain(app: FastifyInstance): Drain {
  let phase: 'serving' | 'unready' | 'draining' | 'closed' = 'serving';
  let inFlight = 0;
  let settled: (() => void) | undefined;

  app.server.on('request', (_request, response) => {
    inFlight++;
    response.once('close', () => {
      inFlight--;
      if (inFlight === 0) settled?.();
    });
  });

  app.addHook('onRequest', async (request, reply) => {
    const refuse =
      phase === 'draining' || (phase === 'unready' && request.url.split('?')[0] === '/ready');
    if (!refuse) return;
    reply.header('retry-after', String(DRAIN_RETRY_AFTER_SECONDS));
    reply.header('connection', 'close');
    return sendError(reply, domainError('SHUTTING_DOWN'));
  });
  app.addHook('onSend', async (_request, reply) => {
    if (phase !== 'serving') reply.header('connection', 'close');
  });

  const nothingInFlight = () =>
    inFlight === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          settled = resolve;
        });

  const drain: Drain = {
    phase: () => phase,
    inFlight: () => inFlight,
    async drain({ graceMs, delayMs }) {
      const deadline = Date.now() + graceMs;
      const left = () => Math.max(0, deadline - Date.now());
      const server: Server = app.server;
      phase = 'unready';
      if (delayMs > 0) await sleep(Math.min(delayMs, left()));
      phase = 'draining';
      // net.Server's close stops accepting and calls back once every connection has ended,
      // without http.Server's sweep of "idle" keep-alive connections.
      const allClosed = server.listening
        ? new Promise<void>((resolve) => {
            NetServer.prototype.close.call(server, () => resolve());
          })
        : Promise.resolve();
      let clean = await within(nothingInFlight(), left());
      // A request sent on a kept-alive connection while the last ones finished still gets its
      // 503; then the idle connections are closed.
      if (clean) await sleep(Math.min(50, left()));
      server.closeIdleConnections();
      if (!(await within(allClosed, left()))) clean = false;
      const cut = inFlight;
      server.closeAllConnections();
      phase = 'closed';
      await app.close();
      return { cut, clean };
    },
  };
  drains.set(app, drain);
  return drain;
}
