import type { Logger } from 'pino';

export interface IntervalWorker {
  /** Stops scheduling and waits for the run in progress, if any, to finish. */
  stop(): Promise<void>;
}

/**
 * Runs `runOnce` every `intervalMs`, never two at a time. A failed run is logged and the next
 * one goes ahead on schedule: a database blip must not kill the worker.
 */
export function startIntervalWorker(options: {
  name: string;
  intervalMs: number;
  /** One run; `shouldStop` turns true once stop() is called, to end it after its batch. */
  runOnce: (shouldStop: () => boolean) => Promise<number>;
  logger: Logger;
}): IntervalWorker {
  const { name, intervalMs, runOnce, logger } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = () => {
    running = (async () => {
      try {
        const count = await runOnce(() => stopped);
        if (count > 0) logger.info({ worker: name, count }, `${name}: ${count} done`);
      } catch (err) {
        logger.error({ err, worker: name }, `${name}: run failed`);
      }
      if (!stopped) timer = setTimeout(tick, intervalMs);
    })();
  };
  timer = setTimeout(tick, intervalMs);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
