import type { Logger } from 'pino';
import type { EventSink, OutboxStore } from '../app/outbox/ports.ts';
import { DEFAULT_RELAY, type RelayOptions, relayOutbox } from '../app/outbox/relay.ts';
import type { Clock } from '../app/ports.ts';
import type { IntervalWorker } from './interval-worker.ts';

export interface OutboxRelayDeps {
  store: OutboxStore;
  sink: EventSink;
  clock: Clock;
  logger: Logger;
  /** Resolves to a function that stops listening; the relay wakes on each call of `wake`. */
  listen?: (wake: () => void) => Promise<() => Promise<void>>;
  pollIntervalMs: number;
  retentionHours: number;
  options?: Partial<RelayOptions>;
  onRun?: (run: { published: number; failed: number; parked: number }) => void;
}

const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * The relay loop: woken by NOTIFY when events are committed, and polling as a fallback; one run
 * at a time; published events pruned after the retention period. Any number of instances may run.
 */
export function startOutboxRelay(deps: OutboxRelayDeps): IntervalWorker {
  const options = { ...DEFAULT_RELAY, ...deps.options };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let lastPrune = 0;
  let unlisten: (() => Promise<void>) | undefined;

  const schedule = (ms: number) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(wake, ms);
  };

  function wake(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        const run = await relayOutbox(deps, { ...options, shouldStop: () => stopped });
        deps.onRun?.(run);
        if (run.published + run.failed + run.parked > 0)
          deps.logger.info({ worker: 'outbox-relay', ...run }, 'outbox relayed');
        if (run.parked > 0)
          deps.logger.warn({ worker: 'outbox-relay', parked: run.parked }, 'outbox events parked');
        const now = deps.clock.now().getTime();
        if (now - lastPrune > PRUNE_EVERY_MS) {
          lastPrune = now;
          const pruned = await deps.store.prunePublished(
            new Date(now - deps.retentionHours * 3_600_000),
            10_000,
          );
          if (pruned > 0) deps.logger.info({ worker: 'outbox-relay', pruned }, 'outbox pruned');
        }
      } catch (err) {
        deps.logger.error({ err, worker: 'outbox-relay' }, 'outbox relay run failed');
      } finally {
        running = null;
      }
      if (again) {
        again = false;
        wake();
      } else {
        schedule(deps.pollIntervalMs);
      }
    })();
  }

  void deps
    .listen?.(() => wake())
    .then(
      (stop) => {
        if (stopped) void stop();
        else unlisten = stop;
      },
      (err: unknown) => deps.logger.warn({ err }, 'outbox relay: LISTEN failed; polling only'),
    );
  schedule(0);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await unlisten?.();
    },
  };
}
