import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { documentClientFromEnvironment, sessionKey } from '../../src/store/dynamodb/client.ts';
import { failure, must, seedShop } from './fixtures.ts';
import { adminCtx, agentCtx, describeEachSessionStore, newTenantId } from './support.ts';

describeEachSessionStore('checkout session store contract', (harness) => {
  it('keeps all 20 lines added by 20 concurrent updates', async () => {
    const { system } = harness();
    const tenant = newTenantId();
    for (let i = 0; i < 20; i++) {
      must(
        await system.catalog.createProduct(adminCtx(tenant), {
          sku: `line-${i}`,
          name: `Line ${i}`,
          priceCents: 100 + i,
          currency: 'USD',
          onHand: 10,
        }),
      );
    }
    const ctx = agentCtx(tenant);
    const session = must(await system.checkoutSessions.create(ctx, {}));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        system.checkoutSessions.addLineItems(ctx, session.id, [{ sku: `line-${i}`, quantity: 1 }]),
      ),
    );
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const after = must(await system.checkoutSessions.get(ctx, session.id));
    expect(after.lineItems.map((l) => l.sku).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `line-${i}`).sort(),
    );
    expect(new Set(after.lineItems.map((l) => l.id)).size).toBe(20);
    expect(after.version).toBe(21);
    // 100 + 101 + … + 119
    expect(after.totals.subtotalCents).toBe(2190);
  });

  it('writes only on top of the version read', async () => {
    const { system, clock } = harness();
    const store = system.checkoutSessionStore;
    const tenant = newTenantId();
    const s = must(await system.checkoutSessions.create(agentCtx(tenant), {}));
    const now = clock.now();
    expect(
      await store.replace({ ...s, version: 2, continueUrl: 'https://a.example' }, 1, now),
    ).toBe(true);
    expect(
      await store.replace({ ...s, version: 2, continueUrl: 'https://b.example' }, 1, now),
    ).toBe(false);
    const stored = await store.find(tenant, s.id, now);
    expect([stored?.version, stored?.continueUrl]).toEqual([2, 'https://a.example']);
    expect(await store.find(newTenantId(), s.id, now)).toBeNull();
    expect(await store.find(tenant, 'not-a-session', now)).toBeNull();
  });

  it('hides and refuses to write a session past its expiry', async () => {
    const { system, clock } = harness();
    const store = system.checkoutSessionStore;
    const tenant = newTenantId();
    const s = must(await system.checkoutSessions.create(agentCtx(tenant), {}));
    const later = new Date(s.expiresAt.getTime() + 1000);
    expect(await store.find(tenant, s.id, later)).toBeNull();
    expect(await store.replace({ ...s, version: 2 }, 1, later)).toBe(false);
    expect(await store.find(tenant, s.id, clock.now())).not.toBeNull();
  });

  it('sweeps expired sessions (SQL) or leaves them to the TTL (DynamoDB)', async () => {
    const { system, clock, kind } = harness();
    const store = system.checkoutSessionStore;
    const tenant = newTenantId();
    await seedShop(system, tenant);
    const s = must(await system.checkoutSessions.create(agentCtx(tenant), {}));
    const later = new Date(s.expiresAt.getTime() + 1000);
    const swept = await store.sweepExpired(later, 10_000);
    if (kind === 'sql') {
      expect(swept).toBeGreaterThanOrEqual(1);
      // Deleted: gone even at a time before its expiry.
      expect(await store.find(tenant, s.id, clock.now())).toBeNull();
    } else {
      expect(swept).toBe(0);
      // Still stored until DynamoDB's TTL deletes it, but already gone for every caller.
      expect(await store.find(tenant, s.id, clock.now())).not.toBeNull();
    }
    clock.set(later);
    expect(failure(await system.checkoutSessions.get(agentCtx(tenant), s.id)).code).toBe(
      'CHECKOUT_SESSION_NOT_FOUND',
    );
  });

  describe('DynamoDB item', () => {
    it('carries the tenant in its key and a ttl refreshed on every update', async ({ skip }) => {
      const { system, clock, kind, dynamo } = harness();
      if (kind !== 'dynamodb' || !dynamo) return skip('DynamoDB only');
      const tenant = newTenantId();
      const ctx = agentCtx(tenant);
      const s = must(await system.checkoutSessions.create(ctx, {}));
      const doc = documentClientFromEnvironment(dynamo.local.client);
      const read = async () =>
        (
          await doc.send(
            new GetCommand({
              TableName: dynamo.tableName,
              Key: { pk: sessionKey(tenant, s.id) },
            }),
          )
        ).Item;
      const first = await read();
      expect(first?.ttl).toBe(Math.floor(clock.now().getTime() / 1000) + 24 * 3600);
      clock.advanceMinutes(90);
      must(await system.checkoutSessions.update(ctx, s.id, { continueUrl: 'https://x.example' }));
      const second = await read();
      expect(second?.ttl).toBe((first?.ttl as number) + 90 * 60);
      expect(second?.version).toBe(2);
    });
  });
});
