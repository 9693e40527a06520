import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  type BotContext,
  createOrderSessionService,
  type DiscordOrderSession,
  type DiscordOrderSessionRepository,
  discordSessionRepository,
} from '../../src/discord.ts';
import { newTimeOrderedId } from '../../src/platform.ts';
import { createSqlProductRepository } from '../../src/store/sql/catalog.repository.ts';
import { createSqlOrderSessionRepository } from '../../src/store/sql/order-session.repository.ts';
import { manualClock } from '../support/clock.ts';
import { ADDRESS, makeVariant } from '../support/fixtures.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';
import { newSnowflake } from './support.ts';

/** A bot's own repository, as a bot author might write it: a Map, versions checked. */
function botOwnRepository(): DiscordOrderSessionRepository {
  const rows = new Map<string, DiscordOrderSession>();
  const open = (s: DiscordOrderSession) => !['SUBMITTED', 'CANCELLED', 'EXPIRED'].includes(s.state);
  return {
    async getById(ctx, id) {
      const row = rows.get(id);
      return row && row.tenantId === ctx.tenantId ? structuredClone(row) : null;
    },
    async getActiveByDiscordUser(ctx, discordUserId) {
      const row = [...rows.values()].find(
        (s) => s.tenantId === ctx.tenantId && s.discordUserId === discordUserId && open(s),
      );
      return row ? structuredClone(row) : null;
    },
    async create(ctx, input) {
      if (await this.getActiveByDiscordUser(ctx, input.discordUserId)) return null;
      const row = { ...structuredClone(input), tenantId: ctx.tenantId, version: 1 };
      rows.set(input.id, row);
      return structuredClone(row);
    },
    async update(ctx, id, patch) {
      const row = rows.get(id);
      if (!row || row.tenantId !== ctx.tenantId || row.version !== patch.expectedVersion)
        return null;
      const { expectedVersion: _v, ...change } = patch;
      const next = { ...row, ...structuredClone(change), version: row.version + 1 };
      next.submittedOrderId = next.submittedOrderIds[0] ?? null;
      rows.set(id, next);
      return structuredClone(next);
    },
  };
}

describeEachStore(
  'the Discord library API (createOrderSessionService by Discord user)',
  (store) => {
    async function setUp(kind: 'ours' | 'bot') {
      const tenant = newTenantId();
      const products = createSqlProductRepository(store().db);
      const id = newTimeOrderedId();
      const variant = makeVariant(tenant, {
        priceCents: 1999,
        sku: `LIB-${randomUUID().slice(0, 8)}`,
        id,
      });
      const { createdAt, updatedAt } = variant;
      const inserted = await products.insertProduct({
        ...{ id, tenantId: tenant, title: variant.name, description: '', images: [] },
        ...{ category: null, optionNames: [], status: 'active', createdAt, updatedAt },
        variants: [variant],
      });
      if ('skuTaken' in inserted) throw new Error('no variant');
      const clock = manualClock();
      const repository =
        kind === 'ours'
          ? discordSessionRepository(createSqlOrderSessionRepository(store().db))
          : botOwnRepository();
      const sessions = createOrderSessionService(repository, { catalog: products, clock });
      const ctx: BotContext = { tenantId: tenant };
      return { tenant, variant, clock, repository, sessions, ctx };
    }

    for (const kind of ['ours', 'bot'] as const) {
      it(`takes a Discord user from begin to SUBMITTED, priced from the catalog (${kind} repository)`, async () => {
        const { variant, sessions, ctx, repository } = await setUp(kind);
        const discordUserId = newSnowflake();
        const guildId = newSnowflake();
        const begun = await sessions.begin(ctx, { discordUserId, guildId });
        if (!begun.ok) throw new Error(JSON.stringify(begun.error));
        expect(begun.value).toMatchObject({
          discordUserId,
          guildId,
          state: 'COLLECTING_ITEMS',
          submittedOrderId: null,
        });
        const again = await sessions.begin(ctx, { discordUserId });
        expect(again.ok && again.value.id).toBe(begun.value.id);

        const added = await sessions.addItem(ctx, {
          discordUserId,
          item: { productId: variant.id, quantity: 2, unitPriceCents: 1, name: 'cheap' },
        });
        expect(added.ok && added.value.items).toEqual([
          {
            productId: variant.id,
            name: variant.name,
            sku: variant.sku,
            quantity: 2,
            unitPriceCents: 1999,
            currency: 'USD',
          },
        ]);
        expect(
          (await sessions.setShipping(ctx, { discordUserId, shippingAddress: ADDRESS })).ok,
        ).toBe(true);
        const ready = await sessions.setPaymentMethod(ctx, {
          discordUserId,
          paymentMethod: 'sandbox',
        });
        expect(ready.ok && ready.value.state).toBe('READY_TO_SUBMIT');
        expect((await sessions.getActive(ctx, discordUserId))?.id).toBe(begun.value.id);

        const orderId = newTimeOrderedId();
        const submitted = await sessions.markSubmitted(ctx, { discordUserId, orderId });
        expect(submitted.ok && submitted.value).toMatchObject({
          state: 'SUBMITTED',
          submittedOrderId: orderId,
          guildId,
        });
        expect(await sessions.getActive(ctx, discordUserId)).toBeNull();
        const stored = await repository.getById(ctx, begun.value.id);
        expect(stored).toMatchObject({ discordUserId, guildId, submittedOrderId: orderId });
        // Another tenant sees none of it.
        expect(await repository.getById({ tenantId: newTenantId() }, begun.value.id)).toBeNull();
      });

      it(`keeps both of two concurrent adds, and refuses changes once expired (${kind} repository)`, async () => {
        const { variant, sessions, ctx, clock } = await setUp(kind);
        const discordUserId = newSnowflake();
        await sessions.begin(ctx, { discordUserId });
        const item = { productId: variant.id, quantity: 1 };
        const both = await Promise.all([
          sessions.addItem(ctx, { discordUserId, item }),
          sessions.addItem(ctx, { discordUserId, item }),
        ]);
        expect(both.map((r) => r.ok)).toEqual([true, true]);
        expect((await sessions.getActive(ctx, discordUserId))?.items[0]?.quantity).toBe(2);

        clock.advanceMinutes(31);
        const late = await sessions.addItem(ctx, { discordUserId, item });
        expect(late.ok ? 'ok' : late.error.code).toBe('SESSION_EXPIRED');
        const none = await sessions.setShipping(ctx, { discordUserId, shippingAddress: ADDRESS });
        expect(none.ok ? 'ok' : none.error.code).toBe('SESSION_NOT_FOUND');
      });
    }
  },
);
