import type { Logger } from 'pino';

export interface BackgroundTasks {
  run(task: () => Promise<void>): void;
  /** Resolves once every task started so far has settled. */
  drain(): Promise<void>;
}

/** Work that outlives its request (a deferred answer), tracked so that shutdown waits for it. */
export function createBackgroundTasks(logger: Logger): BackgroundTasks {
  const pending = new Set<Promise<void>>();
  return {
    run(task) {
      const running = task()
        .catch((err: unknown) => logger.error({ err }, 'discord background task failed'))
        .finally(() => pending.delete(running));
      pending.add(running);
    },
    async drain() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
