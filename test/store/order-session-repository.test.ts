import { describe, expect, it } from 'vitest';
import type {
  OrderSessionRepository,
  OrderSessionSweepStore,
} from '../../src/app/order-sessions/repository.ts';
import type { OrderSessionCreateInput } from '../../src/domain/order-session/types.ts';
import { newTimeOrderedId } from '../../src/platform.ts';
import { createMemoryOrderSessionRepository } from '../../src/store/memory/order-session.repository.ts';
import { createSqlOrderSessionRepository } from '../../src/store/sql/order-session.repository.ts';
import { ADDRESS } from '../support/fixtures.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

type Repo = OrderSessionRepository & OrderSessionSweepStore;

const T0 = new Date('2026-03-01T10:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

function input(
  tenantId: string,
  userId: string,
  overrides: Partial<OrderSessionCreateInput> = {},
): OrderSessionCreateInput {
  return {
    id: newTimeOrderedId(),
    tenantId,
    userId,
    channel: 'discord',
    state: 'COLLECTING_ITEMS',
    items: [],
    shippingAddress: null,
    paymentMethod: null,
    currency: null,
    submittedOrderIds: [],
    createdAt: T0,
    updatedAt: T0,
    expiresAt: minutes(30),
    ...overrides,
  };
}

/** The promises every repository keeps, checked against each implementation. */
function repositoryContract(repo: () => Repo) {
  it('stores a session and reads it back by id and as the user’s open session', async () => {
    const tenant = newTenantId();
    const created = await repo().create(input(tenant, 'u1'));
    expect(created?.version).toBe(1);
    const byId = await repo().getById(tenant, created?.id ?? '');
    expect(byId).toEqual(created);
    expect(byId?.createdAt).toBeInstanceOf(Date);
    expect(await repo().getActiveByDiscordUser(tenant, 'u1')).toEqual(created);
    expect(await repo().getActiveByDiscordUser(tenant, 'u2')).toBeNull();
    expect(await repo().getById(newTenantId(), created?.id ?? '')).toBeNull();
  });

  it('refuses a second open session for one user, and allows one after the first ends', async () => {
    const tenant = newTenantId();
    const first = await repo().create(input(tenant, 'u1'));
    expect(await repo().create(input(tenant, 'u1'))).toBeNull();
    expect(await repo().create(input(newTenantId(), 'u1'))).not.toBeNull();
    await repo().update(tenant, first?.id ?? '', 1, {
      state: 'CANCELLED',
      updatedAt: T0,
      expiresAt: T0,
    });
    expect(await repo().create(input(tenant, 'u1'))).not.toBeNull();
  });

  it('creates exactly one of many concurrent sessions for one user', async () => {
    const tenant = newTenantId();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => repo().create(input(tenant, 'u1'))),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
  });

  it('applies an update only at the expected version', async () => {
    const tenant = newTenantId();
    const created = await repo().create(input(tenant, 'u1'));
    const id = created?.id ?? '';
    const items = [
      {
        productId: newTimeOrderedId(),
        name: 'Tee',
        sku: 'TEE',
        quantity: 2,
        unitPriceCents: 1999,
        currency: 'USD',
      },
    ];
    const updated = await repo().update(tenant, id, 1, {
      state: 'COLLECTING_SHIPPING',
      items,
      currency: 'USD',
      shippingAddress: ADDRESS,
      updatedAt: minutes(1),
      expiresAt: minutes(31),
    });
    expect(updated).toMatchObject({
      version: 2,
      state: 'COLLECTING_SHIPPING',
      items,
      currency: 'USD',
      shippingAddress: ADDRESS,
    });
    expect(updated?.expiresAt.toISOString()).toBe(minutes(31).toISOString());
    expect(
      await repo().update(tenant, id, 1, { state: 'CANCELLED', updatedAt: T0, expiresAt: T0 }),
    ).toBeNull();
    expect((await repo().getById(tenant, id))?.state).toBe('COLLECTING_SHIPPING');
    expect(
      await repo().update(newTenantId(), id, 2, {
        state: 'CANCELLED',
        updatedAt: T0,
        expiresAt: T0,
      }),
    ).toBeNull();
  });

  it('lets exactly one of concurrent updates at one version win', async () => {
    const tenant = newTenantId();
    const created = await repo().create(input(tenant, 'u1'));
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        repo().update(tenant, created?.id ?? '', 1, {
          paymentMethod: `m${i}`,
          updatedAt: T0,
          expiresAt: minutes(30),
        }),
      ),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect((await repo().getById(tenant, created?.id ?? ''))?.version).toBe(2);
  });

  it('answers null for an id that is not a uuid', async () => {
    expect(await repo().getById(newTenantId(), 'not-a-uuid')).toBeNull();
  });

  it('expires due open sessions in batches, once each, even with sweepers racing', async () => {
    // Far in the future of every other test, so that only this test's sessions are due.
    const far = new Date('2099-01-01T00:00:00.000Z');
    const at = (m: number) => new Date(far.getTime() + m * 60_000);
    await repo().expireDueSessions(at(0), 100_000);
    const tenant = newTenantId();
    const due = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        repo().create(input(tenant, `due${i}`, { expiresAt: at(10) })),
      ),
    );
    const later = await repo().create(input(tenant, 'later', { expiresAt: at(60) }));
    const submitted = await repo().create(input(tenant, 'done', { expiresAt: at(10) }));
    await repo().update(tenant, submitted?.id ?? '', 1, {
      state: 'SUBMITTED',
      updatedAt: at(1),
      expiresAt: at(10),
    });

    const counts = await Promise.all([
      repo().expireDueSessions(at(20), 7),
      repo().expireDueSessions(at(20), 7),
    ]);
    let total = counts[0] + counts[1];
    for (let i = 0; i < 10 && total < 30; i++) total += await repo().expireDueSessions(at(20), 7);
    expect(total).toBe(30);
    expect(await repo().expireDueSessions(at(20), 7)).toBe(0);
    for (const session of due) {
      const stored = await repo().getById(tenant, session?.id ?? '');
      expect(stored?.state).toBe('EXPIRED');
      expect(stored?.version).toBe(2);
    }
    expect((await repo().getById(tenant, later?.id ?? ''))?.state).toBe('COLLECTING_ITEMS');
    expect((await repo().getById(tenant, submitted?.id ?? ''))?.state).toBe('SUBMITTED');
  });
}

describe('order session repository [memory]', () => {
  const repo = createMemoryOrderSessionRepository();
  repositoryContract(() => repo);
});

describeEachStore('order session repository', (store) => {
  let repo: Repo | undefined;
  repositoryContract(() => {
    repo ??= createSqlOrderSessionRepository(store().db);
    return repo;
  });
});
