import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { createIdempotency } from '../../src/app/idempotency/run-idempotent.ts';
import { createSqlIdempotencyStore } from '../../src/store/sql/request-idempotency.store.ts';
import { manualClock } from '../support/clock.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

/** The generic idempotency store and its rules, without HTTP: what other channels reuse. */
describeEachStore('the generic idempotency store', (store) => {
  const setup = (waitMs = 10_000) => {
    const clock = manualClock();
    const idempotency = createIdempotency({
      store: createSqlIdempotencyStore(store().db),
      clock,
      newId: randomUUID,
      waitMs,
      pollMs: 10,
    });
    const ref = { tenantId: newTenantId(), scope: 'buyer|POST /things', key: randomUUID() };
    return { clock, idempotency, ref };
  };
  const response = {
    status: 201,
    headers: { 'content-type': 'application/json' },
    body: '{"é":"😀"}',
  };

  it('stores the answer and replays it byte for byte; another request is a mismatch', async () => {
    const { idempotency, ref } = setup();
    const first = await idempotency.begin(ref, 'hash-1');
    if (first.kind !== 'execute') throw new Error(first.kind);
    await first.finish(response);
    expect(await idempotency.begin(ref, 'hash-1')).toEqual({ kind: 'replay', response });
    expect(await idempotency.begin(ref, 'hash-2')).toEqual({ kind: 'mismatch' });
    expect(await idempotency.begin({ ...ref, tenantId: newTenantId() }, 'hash-2')).toMatchObject({
      kind: 'execute',
    });
  });

  it('forgets a released key, so that the next request executes', async () => {
    const { idempotency, ref } = setup();
    const first = await idempotency.begin(ref, 'hash-1');
    if (first.kind !== 'execute') throw new Error(first.kind);
    await first.finish(null);
    expect((await idempotency.begin(ref, 'hash-2')).kind).toBe('execute');
  });

  it('makes a second request wait for the first, and answers in-flight when it does not finish', async () => {
    const { idempotency, ref } = setup(200);
    const first = await idempotency.begin(ref, 'hash-1');
    if (first.kind !== 'execute') throw new Error(first.kind);
    const waiting = idempotency.begin(ref, 'hash-1');
    setTimeout(() => void first.finish(response), 50);
    expect(await waiting).toEqual({ kind: 'replay', response });

    const other = { ...ref, key: randomUUID() };
    const held = await idempotency.begin(other, 'hash-1');
    expect(held.kind).toBe('execute');
    const started = Date.now();
    expect(await idempotency.begin(other, 'hash-1')).toEqual({ kind: 'in-flight' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(await idempotency.begin(other, 'hash-2')).toEqual({ kind: 'mismatch' });
  });

  it('takes over a claim left by a dead process after 5 minutes, and a key after 24 hours', async () => {
    const { clock, idempotency, ref } = setup(0);
    const dead = await idempotency.begin(ref, 'hash-1');
    expect(dead.kind).toBe('execute');
    clock.advanceMinutes(4);
    expect((await idempotency.begin(ref, 'hash-1')).kind).toBe('in-flight');
    clock.advanceMinutes(2);
    const taken = await idempotency.begin(ref, 'hash-1');
    if (taken.kind !== 'execute') throw new Error(taken.kind);
    // The dead claim's late finish changes nothing: the claim is no longer its own.
    if (dead.kind === 'execute') await dead.finish({ ...response, body: 'stale' });
    await taken.finish(response);
    expect(await idempotency.begin(ref, 'hash-1')).toEqual({ kind: 'replay', response });
    clock.advanceMinutes(24 * 60);
    expect((await idempotency.begin(ref, 'hash-2')).kind).toBe('execute');
  });

  it('lets exactly one of many concurrent claims execute', async () => {
    const { idempotency, ref } = setup(5_000);
    const starts = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const start = await idempotency.begin(ref, 'hash-1');
        if (start.kind === 'execute') {
          await new Promise((resolve) => setTimeout(resolve, 50));
          await start.finish(response);
        }
        return start.kind;
      }),
    );
    expect(starts.filter((kind) => kind === 'execute')).toHaveLength(1);
    expect(starts.filter((kind) => kind === 'replay')).toHaveLength(9);
  });
});
