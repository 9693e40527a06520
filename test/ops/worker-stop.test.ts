import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { expireDueSessions } from '../../src/app/order-sessions/expire-sessions.ts';
import { startIntervalWorker } from '../../src/workers/interval-worker.ts';

describe('stopping a worker', () => {
  it('lets the batch in progress finish and starts no other, however large the backlog', async () => {
    let batches = 0;
    let inBatch = false;
    let firstBatch!: () => void;
    const started = new Promise<void>((resolve) => {
      firstBatch = resolve;
    });
    // A backlog that never ends: every batch is full, and takes 100 ms.
    const store = {
      async expireDueSessions(_now: Date, batchSize: number) {
        batches++;
        inBatch = true;
        firstBatch();
        await new Promise((resolve) => setTimeout(resolve, 100));
        inBatch = false;
        return batchSize;
      },
    };
    const worker = startIntervalWorker({
      name: 'sweeper',
      intervalMs: 1,
      logger: pino({ level: 'silent' }),
      runOnce: (shouldStop) =>
        expireDueSessions(
          store,
          { now: () => new Date() },
          {
            batchSize: 10,
            maxBatches: 1000,
            shouldStop,
          },
        ),
    });
    await started;
    await worker.stop();
    expect(inBatch).toBe(false);
    expect(batches).toBe(1);
  });
});
