import { expect, it } from 'vitest';
import { describeEachStore, newTenantId } from '../support/stores.ts';
import {
  autocomplete,
  button,
  command,
  customIds,
  newSnowflake,
  textOf,
  useDiscordHttp,
} from './support.ts';

describeEachStore('Discord: guilds, tenants and DMs', (store) => {
  const discord = useDiscordHttp(store, { defaultTenant: 'dm-shop' });

  it('keeps two guilds on two tenants apart: catalogs, sessions, buttons', async () => {
    const d = discord();
    const { h } = d;
    const [tenantA, tenantB] = [newTenantId(), newTenantId()];
    const [guildA, guildB] = [newSnowflake(), newSnowflake()];
    await h.system.discord.guildLinks.linkAsOperator(guildA, tenantA);
    await h.system.discord.guildLinks.linkAsOperator(guildB, tenantB);
    const [mugA] = await h.seedProducts(tenantA, { name: 'Shared Mug', sku: `MUG-A-${tenantA}` });
    const [mugB] = await h.seedProducts(tenantB, { name: 'Shared Mug', sku: `MUG-B-${tenantB}` });
    if (!mugA || !mugB) throw new Error('no products');
    const userId = newSnowflake();
    const inA = { userId, guildId: guildA };
    const inB = { userId, guildId: guildB };

    const choices = async (where: typeof inA) => {
      const answer = await d.interact(autocomplete(where, 'add', 'mug', 'Shared'));
      return 'data' in answer.body
        ? (answer.body.data as { choices: { value: string }[] }).choices
        : [];
    };
    expect((await choices(inA)).map((c) => c.value)).toEqual([mugA.id]);
    expect((await choices(inB)).map((c) => c.value)).toEqual([mugB.id]);

    // B's product id typed in guild A is not A's product.
    const wrong = await d.interact(command(inA, 'add', { product: mugB.id }));
    expect(textOf(wrong.body)).toContain("That product isn't in this shop");

    await d.interact(command(inA, 'add', { product: mugA.id, quantity: 3 }));
    const cartA = await d.interact(command(inA, 'cart'));
    const cartB = await d.interact(command(inB, 'cart'));
    expect(textOf(cartA.body)).toContain('× 3');
    expect(textOf(cartB.body)).toContain('You have no open order');

    // A's cart buttons pressed in guild B reach nothing of A's.
    const addA = customIds(cartA.body).find((id) => id.startsWith('add:'));
    if (!addA) throw new Error('no add button');
    const crossed = await d.interact(button(inB, addA));
    expect(textOf(crossed.body)).toContain('You have no open order');
    const after = await d.interact(command(inA, 'cart'));
    expect(textOf(after.body)).toContain('× 3');
  });

  it('tells an unlinked guild how to link it, and takes DMs for DISCORD_DEFAULT_TENANT', async () => {
    const d = discord();
    const userId = newSnowflake();
    const unlinked = await d.interact(command({ userId, guildId: newSnowflake() }, 'start'));
    expect(unlinked.status).toBe(200);
    expect(textOf(unlinked.body)).toContain("This server isn't linked to a shop yet");

    const dm = await d.interact(command({ userId }, 'start'));
    expect(textOf(dm.body)).toContain('Your cart');
    const session = await d.h.system.sessions.getActive({
      tenantId: 'dm-shop',
      userId: `discord:${userId}`,
      role: 'user',
    });
    expect(session).toMatchObject({ channel: 'discord', channelScope: null });
  });

  it('lets an admin link a guild to their tenant, never one of another tenant', async () => {
    const { h } = discord();
    const [tenant, other] = [newTenantId(), newTenantId()];
    const guildId = newSnowflake();
    const admin = h.as(tenant, 'admin-1', 'admin');
    const linked = await admin.put<{ guildId: string; tenantId: string }>(
      `/api/admin/discord/guilds/${guildId}`,
      {},
    );
    expect(linked.status).toBe(200);
    expect(linked.body.data).toMatchObject({ guildId, tenantId: tenant });
    expect((await admin.put(`/api/admin/discord/guilds/${guildId}`, {})).status).toBe(200);

    const taken = await h
      .as(other, 'admin-2', 'admin')
      .put(`/api/admin/discord/guilds/${guildId}`, {});
    expect({ status: taken.status, error: taken.body.error }).toEqual({
      status: 409,
      error: 'DISCORD_GUILD_LINKED_ELSEWHERE',
    });
    const notTheirs = await h
      .as(other, 'admin-2', 'admin')
      .delete(`/api/admin/discord/guilds/${guildId}`);
    expect(notTheirs.status).toBe(404);
    const buyer = await h
      .as(tenant, 'alice')
      .put(`/api/admin/discord/guilds/${newSnowflake()}`, {});
    expect(buyer.status).toBe(403);
    const bad = await admin.put('/api/admin/discord/guilds/not-a-snowflake', {});
    expect({ status: bad.status, field: bad.body.details?.field }).toEqual({
      status: 400,
      field: 'guildId',
    });

    const listed = await admin.get<{ guildId: string }[]>('/api/admin/discord/guilds');
    expect(listed.body.data.map((g) => g.guildId)).toEqual([guildId]);
    expect((await admin.delete(`/api/admin/discord/guilds/${guildId}`)).status).toBe(200);
    expect(
      await h.system.discord.guildLinks.list({ tenantId: tenant, userId: 'a', role: 'admin' }),
    ).toEqual({ ok: true, value: [] });
  });
});
