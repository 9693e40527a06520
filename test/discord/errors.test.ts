import { expect, it } from 'vitest';
import { runPaymentExpiry } from '../../src/app/payments/expire-payment-sessions.ts';
import { withDiscordDms } from '../../src/sinks/discord.ts';
import { recordingSink } from '../support/outbox.ts';
import { orderStatus } from '../support/payments.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';
import {
  button,
  command,
  customIds,
  type DiscordHarness,
  linkButtons,
  newSnowflake,
  readyCart,
  relayAll,
  submitAndWait,
  textOf,
  useDiscordHttp,
} from './support.ts';

describeEachStore('Discord: every session error is a readable reply', (store) => {
  const discord = useDiscordHttp(store);

  async function shopIn(d: DiscordHarness, onHand = 10) {
    const tenant = newTenantId();
    const guildId = newSnowflake();
    await d.h.system.discord.guildLinks.linkAsOperator(guildId, tenant);
    const [variant] = await d.h.seedProducts(tenant, { onHand, priceCents: 500 });
    if (!variant) throw new Error('no product');
    return { tenant, variant, where: { userId: newSnowflake(), guildId } };
  }

  it('adds once per press when the same add button is pressed twice at once', async () => {
    const d = discord();
    const { variant, where } = await shopIn(d);
    const added = await d.interact(command(where, 'add', { product: variant.id, quantity: 1 }));
    const plusOne = customIds(added.body).find((id) => id.startsWith('add:'));
    if (!plusOne) throw new Error('no add button');
    const presses = await Promise.all([
      d.interact(button(where, plusOne)),
      d.interact(button(where, plusOne)),
    ]);
    expect(presses.map((p) => p.status)).toEqual([200, 200]);
    expect(presses.map((p) => textOf(p.body).includes('Added one more'))).toEqual([true, true]);
    expect(textOf((await d.interact(command(where, 'cart'))).body)).toContain('× 3');
  });

  it('says the session expired when a button of an expired cart is pressed', async () => {
    const d = discord();
    const { variant, where } = await shopIn(d);
    const added = await d.interact(command(where, 'add', { product: variant.id }));
    const plusOne = customIds(added.body).find((id) => id.startsWith('add:'));
    if (!plusOne) throw new Error('no add button');
    d.h.clock.advanceMinutes(31);
    const late = await d.interact(button(where, plusOne));
    expect(late.status).toBe(200);
    expect(textOf(late.body)).toContain('Your order session expired');
    // A command after that starts afresh rather than failing.
    expect(textOf((await d.interact(command(where, 'cart'))).body)).toContain('no open order');
  });

  it('says what is out of stock when submitting more than is left, and places nothing', async () => {
    const d = discord();
    const { tenant, variant, where } = await shopIn(d, 1);
    const sessionId = await readyCart(d, where, variant.id, 2);
    const edit = await submitAndWait(d, where, sessionId);
    expect(textOf(edit.body)).toContain(`Out of stock: only 1 of \`${variant.sku}\` left`);
    expect(linkButtons(edit.body)).toEqual([]);
    const orders = await d.h.system.orders.listAllOrders(
      { tenantId: tenant, userId: 'staff', role: 'admin' },
      {},
      {},
    );
    expect(orders.ok && orders.value.items).toEqual([]);
  });

  it('DMs "expiring" with a Retry button, retries until no attempt is left, then DMs "expired"', async () => {
    const d = discord();
    const { tenant, variant, where } = await shopIn(d);
    const sessionId = await readyCart(d, where, variant.id, 1);
    const edit = await submitAndWait(d, where, sessionId);
    expect(linkButtons(edit.body)).toHaveLength(1);
    const relay = withDiscordDms({ sink: recordingSink(), outbox: d.h.system.outbox }, d.h.system);
    const dmsTo = () =>
      d.standIn.requests.filter((r) => r.path === `/channels/9${where.userId}/messages`);

    d.h.clock.advanceMinutes(11);
    const options = { batchSize: 100, maxBatches: 10, warnBeforeMinutes: 5 };
    await runPaymentExpiry(d.h.system.payments, d.h.clock, options);
    await relayAll(relay, d.h.clock);
    const [expiring] = dmsTo();
    expect(textOf(expiring?.body)).toContain('payment window closing');
    const retry = customIds({ data: expiring?.body } as never).find((id) =>
      id.startsWith('retry:'),
    );
    if (!retry) throw new Error('no retry button');
    expect(retry).toMatch(new RegExp(`^retry:${tenant}:[0-9a-f-]{36}$`));

    // The Retry button is pressed in the DM: no guild, the tenant comes from the button.
    const inDm = { userId: where.userId };
    const first = await d.interact(button(inDm, retry));
    expect(textOf(first.body)).toContain('1 attempt left');
    expect(linkButtons('data' in first.body ? first.body.data : null)).toHaveLength(1);
    const second = await d.interact(button(inDm, retry));
    expect(textOf(second.body)).toContain('0 attempts left');
    const third = await d.interact(button(inDm, retry));
    expect(third.status).toBe(200);
    expect(textOf(third.body)).toContain('You have used all 3 payment attempts');
    // Someone else pressing the button gets nothing of the buyer's order.
    const stranger = await d.interact(button({ userId: newSnowflake() }, retry));
    expect(textOf(stranger.body)).toContain("That order isn't yours");

    d.h.clock.advanceMinutes(5);
    await runPaymentExpiry(d.h.system.payments, d.h.clock, options);
    await relayAll(relay, d.h.clock);
    const dms = dmsTo();
    expect(dms).toHaveLength(2);
    expect(textOf(dms[1]?.body)).toMatch(/Order \S+ expired/);
    const orderId = retry.split(':')[2] ?? '';
    expect(await orderStatus(d.h.system.store.db, tenant, orderId)).toBe('expired');
  });

  it('does not retry a DM to a buyer who takes no DMs, and relays on', async () => {
    const d = discord();
    const { variant, where } = await shopIn(d);
    const sessionId = await readyCart(d, where, variant.id, 1);
    await submitAndWait(d, where, sessionId);
    const relay = withDiscordDms({ sink: recordingSink(), outbox: d.h.system.outbox }, d.h.system);
    d.h.clock.advanceMinutes(16);
    d.standIn.failNext(new RegExp(`^/channels/9${where.userId}/messages$`), 403, 5);
    await runPaymentExpiry(d.h.system.payments, d.h.clock, {
      batchSize: 100,
      maxBatches: 10,
      warnBeforeMinutes: 5,
    });
    await relayAll(relay, d.h.clock);
    const attempts = d.standIn.requests.filter(
      (r) => r.path === `/channels/9${where.userId}/messages`,
    );
    expect(attempts).toHaveLength(1);
  });

  it('retries a DM Discord failed, later, through the relay; the order waits behind it', async () => {
    const d = discord();
    const { tenant, variant, where } = await shopIn(d);
    const sessionId = await readyCart(d, where, variant.id, 1);
    await submitAndWait(d, where, sessionId);
    const relay = withDiscordDms({ sink: recordingSink(), outbox: d.h.system.outbox }, d.h.system);
    await relayAll(relay, d.h.clock);
    d.h.clock.advanceMinutes(16);
    await runPaymentExpiry(d.h.system.payments, d.h.clock, {
      batchSize: 100,
      maxBatches: 10,
      warnBeforeMinutes: 5,
    });
    const path = `/channels/9${where.userId}/messages`;
    d.standIn.failNext(new RegExp(`^${path}$`), 500);
    await relayAll(relay, d.h.clock);
    const waiting = await d.h.system.store.db
      .selectFrom('outbox')
      .select(['type', 'attempts', 'published_at'])
      .where('tenant_id', '=', tenant)
      .where('type', 'in', ['payment_session.expired', 'order.status_changed'])
      .orderBy('position')
      .execute();
    expect(waiting.map((e) => [e.type, e.attempts, e.published_at === null])).toEqual([
      ['payment_session.expired', 1, true],
      ['order.status_changed', 0, true],
    ]);
    d.h.clock.advanceMinutes(10);
    await relayAll(relay, d.h.clock);
    const attempts = d.standIn.requests.filter((r) => r.path === path);
    expect(attempts).toHaveLength(2);
    expect(textOf(attempts[1]?.body)).toMatch(/Order \S+ expired/);
  });
});
