import { InteractionResponseType, MessageFlags } from 'discord-api-types/v10';
import { expect, it } from 'vitest';
import { withDiscordDms } from '../../src/sinks/discord.ts';
import { eventually, recordingSink } from '../support/outbox.ts';
import { orderStatus, sandbox } from '../support/payments.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';
import {
  APPLICATION_ID,
  autocomplete,
  BOT_TOKEN,
  button,
  command,
  customIds,
  linkButtons,
  modalSubmit,
  newSnowflake,
  openDiscordHttp,
  readyCart,
  relayAll,
  select,
  textOf,
  useDiscordHttp,
} from './support.ts';

describeEachStore('Discord: a buyer orders and pays by signed interactions only', (store) => {
  const discord = useDiscordHttp(store);

  it('start → add (autocomplete) → shipping modal → pay select → deferred submit → paid DM', async () => {
    const { h, interact, standIn } = discord();
    const tenant = newTenantId();
    const guildId = newSnowflake();
    const userId = newSnowflake();
    const where = { userId, guildId };
    const [tee] = await h.seedProducts(tenant, {
      name: 'Black Tee',
      sku: `TEE-${tenant}`,
      priceCents: 1999,
      onHand: 10,
    });
    if (!tee) throw new Error('no product');
    await h.system.discord.guildLinks.linkAsOperator(guildId, tenant);

    const started = await interact(command(where, 'start'));
    expect(started.status).toBe(200);
    expect(started.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(started.body).toMatchObject({ data: { flags: MessageFlags.Ephemeral } });
    expect(textOf(started.body)).toContain('Your cart');

    const suggested = await interact(autocomplete(where, 'add', 'product', 'black'));
    expect(suggested.body).toEqual({
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: { choices: [{ name: `Black Tee (TEE-${tenant}) — $19.99`, value: tee.id }] },
    });

    const added = await interact(command(where, 'add', { product: tee.id, quantity: 2 }));
    const session = await h.system.sessions.getActive({
      tenantId: tenant,
      userId: `discord:${userId}`,
      role: 'user',
    });
    if (!session) throw new Error('no session');
    expect({ channel: session.channel, scope: session.channelScope }).toEqual({
      channel: 'discord',
      scope: guildId,
    });
    expect(textOf(added.body)).toContain('× 2 — $39.98');
    expect(customIds(added.body)).toEqual([
      `add:${session.id}:${tee.id}`,
      `shipping:${session.id}`,
      `cancel:${session.id}`,
    ]);

    const removable = await interact(autocomplete(where, 'remove', 'product', 'tee'));
    expect(removable.body).toMatchObject({
      data: { choices: [{ name: `Black Tee (TEE-${tenant}) × 2`, value: `TEE-${tenant}` }] },
    });

    const modal = await interact(button(where, `shipping:${session.id}`));
    expect(modal.body.type).toBe(InteractionResponseType.Modal);
    expect('data' in modal.body && modal.body.data).toMatchObject({
      custom_id: `shipping-modal:${session.id}`,
    });
    expect(customIds(modal.body)).toEqual(['name', 'address', 'city', 'postalCode', 'country']);

    const shipped = await interact(
      modalSubmit(where, `shipping-modal:${session.id}`, {
        name: 'Alice Example',
        address: '1 Main Street\nFlat 2',
        city: 'Springfield',
        postalCode: '12345',
        country: 'us',
      }),
    );
    expect(textOf(shipped.body)).toContain('1 Main Street\nFlat 2\n12345 Springfield\nUS');
    expect(customIds(shipped.body)).toContain(`pay-menu:${session.id}`);

    const menu = await interact(command(where, 'pay'));
    expect(customIds(menu.body)).toEqual([`pay:${session.id}`]);
    const chosen = await interact(select(where, `pay:${session.id}`, ['sandbox']));
    expect(chosen.body.type).toBe(InteractionResponseType.UpdateMessage);
    expect(customIds(chosen.body)).toContain(`submit:${session.id}`);

    const submitted = await interact(button(where, `submit:${session.id}`));
    expect(submitted.body).toEqual({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: { flags: MessageFlags.Ephemeral },
    });
    const edit = await eventually('the deferred answer is edited', () =>
      standIn.requests.find((r) => r.method === 'PATCH' && r.path.includes('/messages/@original')),
    );
    expect(edit.path).toMatch(
      new RegExp(`^/webhooks/${APPLICATION_ID}/interaction-token-\\d+/messages/@original$`),
    );
    expect(edit.authorization).toBeUndefined();
    const [payLink] = linkButtons(edit.body);
    if (!payLink) throw new Error(`no payment link in ${JSON.stringify(edit.body)}`);
    // The buyer's payment page (/pay/<order>?t=…), whose Pay button leads to the provider.
    expect(payLink.url).toMatch(/\/pay\/[0-9a-f-]{36}\?t=/);
    expect(payLink.label).toMatch(/^Pay \$\d+\.\d\d · /);
    expect(textOf(edit.body)).toContain('Your order is placed');

    const placed = await h.system.sessions.get(
      { tenantId: tenant, userId: `discord:${userId}`, role: 'user' },
      session.id,
    );
    if (!placed.ok) throw new Error('session gone');
    const [orderId] = placed.value.submittedOrderIds;
    if (!orderId) throw new Error('no order');
    expect(placed.value.state).toBe('SUBMITTED');

    // The link opens the order's payment page; its Pay button leads to the sandbox page, where
    // the buyer presses Pay.
    expect(payLink.url).toContain(`/pay/${orderId}?t=`);
    const [payment] = await h.system.payments.latestPayments(tenant, [orderId]);
    if (!payment) throw new Error('no payment');
    const paid = await sandbox(h, tenant, payment.id, 'succeed');
    expect(paid.statusCode).toBeLessThan(400);
    expect(await orderStatus(h.system.store.db, tenant, orderId)).toBe('paid');

    const relay = withDiscordDms({ sink: recordingSink(), outbox: h.system.outbox }, h.system);
    expect(relay.sink?.name).toBe('recording+discord');
    await relayAll(relay, h.clock);
    const dms = standIn.requests.filter((r) => r.path.startsWith('/channels/'));
    expect(standIn.requests).toContainEqual({
      method: 'POST',
      path: '/users/@me/channels',
      authorization: `Bot ${BOT_TOKEN}`,
      body: { recipient_id: userId },
    });
    expect(dms.map((dm) => dm.path)).toEqual([`/channels/9${userId}/messages`]);
    expect(textOf(dms[0]?.body)).toMatch(/Order \S+ is paid/);

    const status = await interact(command(where, 'status'));
    expect(textOf(status.body)).toMatch(/ · paid\n\$\d+\.\d\d · payment window completed/);

    // Relayed again (another sink failed, say), the DM is not sent twice.
    await relayAll(relay, h.clock);
    expect(standIn.requests.filter((r) => r.path.startsWith('/channels/'))).toHaveLength(1);
  });

  it('finishes a deferred submit before the server closes', async () => {
    const d = await openDiscordHttp(store());
    try {
      const tenant = newTenantId();
      const guildId = newSnowflake();
      await d.h.system.discord.guildLinks.linkAsOperator(guildId, tenant);
      const [variant] = await d.h.seedProducts(tenant, {});
      if (!variant) throw new Error('no product');
      const where = { userId: newSnowflake(), guildId };
      const sessionId = await readyCart(d, where, variant.id, 1);
      const answer = await d.interact(button(where, `submit:${sessionId}`));
      expect(answer.body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    } finally {
      await d.h.close();
    }
    // No waiting: closing waited for the edit.
    expect(d.standIn.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    await d.standIn.close();
  });
});
