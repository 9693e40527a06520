import { InteractionResponseType, InteractionType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { ed25519PublicKey, verifyInteraction } from '../../src/channels/discord/verify.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';
import {
  button,
  command,
  ed25519KeyPair,
  newSnowflake,
  signatureHeaders,
  useDiscordHttp,
} from './support.ts';

const NOW = new Date('2026-01-15T12:00:00.000Z');

describe('verifyInteraction', () => {
  const key = ed25519KeyPair();
  const publicKey = ed25519PublicKey(key.publicKeyHex);
  const body = '{"type":1}';
  const headers = (rawBody: string, at: Date, pair = key) => {
    const h = signatureHeaders(pair, rawBody, at);
    return { signature: h['x-signature-ed25519'], timestamp: h['x-signature-timestamp'] };
  };

  it('accepts a body signed with the application key', () => {
    expect(verifyInteraction(publicKey, headers(body, NOW), body, NOW)).toEqual({ ok: true });
  });

  it('refuses a tampered body, another key, a stale or future timestamp, missing headers', () => {
    const signed = headers(body, NOW);
    const cases = [
      verifyInteraction(publicKey, signed, '{"type":2}', NOW),
      verifyInteraction(publicKey, headers(body, NOW, ed25519KeyPair()), body, NOW),
      verifyInteraction(publicKey, headers(body, new Date(NOW.getTime() - 301_000)), body, NOW),
      verifyInteraction(publicKey, headers(body, new Date(NOW.getTime() + 301_000)), body, NOW),
      verifyInteraction(
        publicKey,
        { signature: undefined, timestamp: signed.timestamp },
        body,
        NOW,
      ),
      verifyInteraction(
        publicKey,
        { signature: signed.signature, timestamp: undefined },
        body,
        NOW,
      ),
      verifyInteraction(publicKey, { ...signed, signature: 'zz' }, body, NOW),
    ];
    expect(cases.map((c) => (c.ok ? 'ok' : c.reason))).toEqual([
      'bad signature',
      'bad signature',
      'stale timestamp',
      'stale timestamp',
      'missing signature headers',
      'missing signature headers',
      'malformed signature',
    ]);
  });

  it('takes a timestamp just within five minutes', () => {
    const at = new Date(NOW.getTime() - 299_000);
    expect(verifyInteraction(publicKey, headers(body, at), body, NOW).ok).toBe(true);
  });
});

describeEachStore('POST /discord/interactions signatures', (store) => {
  const discord = useDiscordHttp(store, { defaultTenant: 'dm-shop' });

  async function post(rawBody: string, headers: Record<string, string>) {
    const response = await discord().h.app.inject({
      method: 'POST',
      url: '/discord/interactions',
      headers: { 'content-type': 'application/json', ...headers },
      payload: rawBody,
    });
    return { status: response.statusCode, body: response.json() as Record<string, unknown> };
  }

  it('answers a signed PING with PONG', async () => {
    const rawBody = JSON.stringify({ id: '1', type: InteractionType.Ping, application_id: '1' });
    const answer = await post(
      rawBody,
      signatureHeaders(discord().key, rawBody, discord().h.clock.now()),
    );
    expect(answer).toEqual({ status: 200, body: { type: InteractionResponseType.Pong } });
  });

  it('refuses with 401, and changes nothing, whatever is wrong with the signature', async () => {
    const { h, key } = discord();
    const tenant = newTenantId();
    const guildId = newSnowflake();
    await h.system.discord.guildLinks.linkAsOperator(guildId, tenant);
    const userId = newSnowflake();
    const start = JSON.stringify(command({ userId, guildId }, 'start'));
    const now = h.clock.now();
    const good = signatureHeaders(key, start, now);
    const attempts = {
      'tampered body': [start.replace('start', 'cancel'), good],
      'wrong key': [start, signatureHeaders(ed25519KeyPair(), start, now)],
      'stale timestamp': [
        start,
        signatureHeaders(key, start, new Date(now.getTime() - 6 * 60_000)),
      ],
      'no signature': [start, { 'x-signature-timestamp': good['x-signature-timestamp'] }],
      'no timestamp': [start, { 'x-signature-ed25519': good['x-signature-ed25519'] }],
      'no headers': [start, {}],
    } as const;
    for (const [what, [rawBody, headers]] of Object.entries(attempts)) {
      const answer = await post(rawBody, headers);
      expect({ what, status: answer.status, error: answer.body.error }).toEqual({
        what,
        status: 401,
        error: 'DISCORD_SIGNATURE_INVALID',
      });
    }
    const ctx = { tenantId: tenant, userId: `discord:${userId}`, role: 'user' as const };
    expect(await h.system.sessions.getActive(ctx)).toBeNull();
    // The same body, correctly signed, does start a session.
    expect((await post(start, good)).status).toBe(200);
    expect((await h.system.sessions.getActive(ctx))?.channel).toBe('discord');
  });

  it('answers what it does not know (a kind, a command, a button) with a message', async () => {
    const { interact } = discord();
    const where = { userId: newSnowflake() };
    const odd = [
      { ...command(where, 'start'), type: 42 },
      { ...command(where, 'start'), data: { id: '1', name: 'order', type: 1, options: [] } },
      { ...command(where, 'start'), data: { id: '1', name: 'other', type: 2 } },
      button(where, 'from-an-old-version:1'),
    ];
    for (const interaction of odd) {
      const answer = await interact(interaction);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        type: InteractionResponseType.ChannelMessageWithSource,
        data: { flags: 64 },
      });
    }
  });

  it('refuses a signed body that is not JSON with 400, not 500', async () => {
    const { h, key } = discord();
    const answer = await post('{nope', signatureHeaders(key, '{nope', h.clock.now()));
    expect(answer.status).toBe(400);
  });
});
