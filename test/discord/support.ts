import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import {
  type APIInteractionResponse,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  InteractionType,
} from 'discord-api-types/v10';
import { afterAll, beforeAll } from 'vitest';
import { DEFAULT_RELAY, relayOutbox } from '../../src/app/outbox/relay.ts';
import type { Clock } from '../../src/app/ports.ts';
import { loadConfig } from '../../src/config.ts';
import type { withDiscordDms } from '../../src/sinks/discord.ts';
import type { SqlStore } from '../../src/store/sql/database.ts';
import { type HttpHarness, openHttp } from '../support/http.ts';

export interface KeyPair {
  publicKeyHex: string;
  privateKey: KeyObject;
}

/** A real Ed25519 key pair, its public half as Discord shows it (64 hex characters). */
export function ed25519KeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { publicKeyHex: Buffer.from(jwk.x ?? '', 'base64url').toString('hex'), privateKey };
}

/** Discord's headers for a body signed at `at`. */
export function signatureHeaders(key: KeyPair, rawBody: string, at: Date) {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = sign(null, Buffer.from(timestamp + rawBody), key.privateKey).toString('hex');
  return { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp };
}

export interface Recorded {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

/**
 * A local HTTP server standing in for Discord's REST API (Discord is not reachable from here):
 * it answers the calls we make the way Discord does, and records every one.
 */
export interface DiscordStandIn {
  url: string;
  requests: Recorded[];
  /** Answer the next calls whose path matches with this status (e.g. 403 for closed DMs). */
  failNext(pathPattern: RegExp, status: number, times?: number): void;
  close(): Promise<void>;
}

export async function startDiscordStandIn(): Promise<DiscordStandIn> {
  const requests: Recorded[] = [];
  const failures: { pattern: RegExp; status: number; times: number }[] = [];
  const readBody = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    return text ? (JSON.parse(text) as unknown) : null;
  };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = (request.url ?? '').replace(/^\/api\/v10/, '');
      const body = await readBody(request);
      requests.push({
        method: request.method ?? '',
        path,
        authorization: request.headers.authorization,
        body,
      });
      const failure = failures.find((f) => f.times > 0 && f.pattern.test(path));
      response.setHeader('content-type', 'application/json');
      if (failure) {
        failure.times--;
        response.statusCode = failure.status;
        response.end(JSON.stringify({ message: 'Cannot send messages to this user', code: 50007 }));
        return;
      }
      if (request.method === 'POST' && path === '/users/@me/channels') {
        const recipient = (body as { recipient_id: string }).recipient_id;
        response.end(JSON.stringify({ id: `9${recipient}`, type: 1 }));
        return;
      }
      if (request.method === 'PUT') {
        response.end(JSON.stringify(body));
        return;
      }
      response.end(JSON.stringify({ id: String(Date.now()) }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('stand-in: no port');
  return {
    url: `http://127.0.0.1:${address.port}/api/v10`,
    requests,
    failNext(pattern, status, times = 1) {
      failures.push({ pattern, status, times });
    },
    close: () =>
      new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

export const APPLICATION_ID = '100000000000000001';
export const BOT_TOKEN = 'test-bot-token-0123456789abcdef';

export interface DiscordHarness {
  h: HttpHarness;
  key: KeyPair;
  standIn: DiscordStandIn;
  /** Signs and posts an interaction; Discord's answer as JSON. */
  interact(interaction: object): Promise<{ status: number; body: APIInteractionResponse }>;
}

/** The HTTP harness with the Discord channel on (a key, the stand-in as Discord's API). */
export async function openDiscordHttp(
  store: SqlStore,
  options: { defaultTenant?: string } = {},
): Promise<DiscordHarness & { close(): Promise<void> }> {
  const key = ed25519KeyPair();
  const standIn = await startDiscordStandIn();
  const base = loadConfig({});
  const h = await openHttp(store, {
    ...base,
    seedDemo: false,
    rateLimits: { ordersPerMinute: 0, retriesPerMinute: 0 },
    discord: {
      publicKey: key.publicKeyHex,
      applicationId: APPLICATION_ID,
      botToken: BOT_TOKEN,
      apiBase: standIn.url,
      defaultTenantId: options.defaultTenant,
    },
  });
  return {
    h,
    key,
    standIn,
    async interact(interaction) {
      const rawBody = JSON.stringify(interaction);
      const response = await h.app.inject({
        method: 'POST',
        url: '/discord/interactions',
        headers: {
          'content-type': 'application/json',
          ...signatureHeaders(key, rawBody, h.clock.now()),
        },
        payload: rawBody,
      });
      return { status: response.statusCode, body: response.json() as APIInteractionResponse };
    },
    async close() {
      await h.close();
      await standIn.close();
    },
  };
}

export function useDiscordHttp(
  store: () => SqlStore,
  options: { defaultTenant?: string } = {},
): () => DiscordHarness {
  let harness: (DiscordHarness & { close(): Promise<void> }) | undefined;
  beforeAll(async () => {
    harness = await openDiscordHttp(store(), options);
  });
  afterAll(async () => {
    await harness?.close();
  });
  return () => {
    if (!harness) throw new Error('Discord harness not open yet');
    return harness;
  };
}

let snowflake = 200000000000000000n;
/** A fresh Discord id. */
export function newSnowflake(): string {
  snowflake += 1n + BigInt(process.pid);
  return snowflake.toString();
}

export interface Where {
  userId: string;
  /** Absent: a DM. */
  guildId?: string;
}

function base(where: Where) {
  const user = { id: where.userId, username: `user${where.userId.slice(-4)}`, discriminator: '0' };
  return {
    id: newSnowflake(),
    application_id: APPLICATION_ID,
    token: `interaction-token-${newSnowflake()}`,
    version: 1,
    locale: 'en-US',
    ...(where.guildId
      ? { guild_id: where.guildId, member: { user, roles: [], permissions: '0' } }
      : { user }),
  };
}

type OptionValue = string | number;

function subcommandData(name: string, options: Record<string, OptionValue>, focused?: string) {
  return {
    id: '300000000000000001',
    name: 'order',
    type: ApplicationCommandType.ChatInput,
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name,
        options: Object.entries(options).map(([option, value]) => ({
          name: option,
          type:
            typeof value === 'number'
              ? ApplicationCommandOptionType.Integer
              : ApplicationCommandOptionType.String,
          value,
          ...(option === focused ? { focused: true } : {}),
        })),
      },
    ],
  };
}

export const command = (where: Where, name: string, options: Record<string, OptionValue> = {}) => ({
  ...base(where),
  type: InteractionType.ApplicationCommand,
  data: subcommandData(name, options),
});

export const autocomplete = (where: Where, name: string, option: string, text: string) => ({
  ...base(where),
  type: InteractionType.ApplicationCommandAutocomplete,
  data: subcommandData(name, { [option]: text }, option),
});

export const button = (where: Where, customId: string) => ({
  ...base(where),
  type: InteractionType.MessageComponent,
  message: { id: newSnowflake() },
  data: { custom_id: customId, component_type: ComponentType.Button },
});

export const select = (where: Where, customId: string, values: string[]) => ({
  ...base(where),
  type: InteractionType.MessageComponent,
  message: { id: newSnowflake() },
  data: { custom_id: customId, component_type: ComponentType.StringSelect, values },
});

export const modalSubmit = (where: Where, customId: string, fields: Record<string, string>) => ({
  ...base(where),
  type: InteractionType.ModalSubmit,
  data: {
    custom_id: customId,
    components: Object.entries(fields).map(([id, value]) => ({
      type: ComponentType.ActionRow,
      components: [{ type: ComponentType.TextInput, custom_id: id, value }],
    })),
  },
});

/** Every custom_id in an answer's components. */
export function customIds(response: APIInteractionResponse): string[] {
  const data = 'data' in response ? (response.data as { components?: unknown[] }) : undefined;
  const ids: string[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const record = node as { custom_id?: string; components?: unknown[] };
    if (record.custom_id) ids.push(record.custom_id);
    for (const child of record.components ?? []) walk(child);
  };
  for (const component of data?.components ?? []) walk(component);
  return ids;
}

/** The text a buyer reads in an answer: content, embed titles, descriptions and fields. */
export function textOf(message: unknown): string {
  const data = (
    message && typeof message === 'object' && 'data' in message
      ? (message as { data: unknown }).data
      : message
  ) as {
    content?: string;
    embeds?: { title?: string; description?: string; fields?: { name: string; value: string }[] }[];
  } | null;
  if (!data) return '';
  return [
    data.content ?? '',
    ...(data.embeds ?? []).flatMap((embed) => [
      embed.title ?? '',
      embed.description ?? '',
      ...(embed.fields ?? []).flatMap((field) => [field.name, field.value]),
    ]),
  ].join('\n');
}

/** Link buttons (url, label) in a message body as the stand-in received it. */
export function linkButtons(body: unknown): { url: string; label: string }[] {
  const found: { url: string; label: string }[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const record = node as { url?: string; label?: string; components?: unknown[] };
    if (record.url && record.label) found.push({ url: record.url, label: record.label });
    for (const child of record.components ?? []) walk(child);
  };
  for (const row of (body as { components?: unknown[] } | null)?.components ?? []) walk(row);
  return found;
}

export const MODAL_ADDRESS = {
  name: 'Alice Example',
  address: '1 Main Street',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
};

/** By interactions: start, add, shipping, payment method; the session id of a ready cart. */
export async function readyCart(
  d: DiscordHarness,
  where: Where,
  variantId: string,
  quantity: number,
): Promise<string> {
  await d.interact(command(where, 'add', { product: variantId, quantity }));
  const ids = customIds((await d.interact(command(where, 'cart'))).body);
  const sessionId = ids.find((id) => id.startsWith('shipping:'))?.split(':')[1];
  if (!sessionId) throw new Error(`no session in ${ids.join(', ')}`);
  await d.interact(modalSubmit(where, `shipping-modal:${sessionId}`, MODAL_ADDRESS));
  const chosen = await d.interact(select(where, `pay:${sessionId}`, ['sandbox']));
  if (!customIds(chosen.body).includes(`submit:${sessionId}`)) {
    throw new Error(`not ready: ${JSON.stringify(chosen.body)}`);
  }
  return sessionId;
}

/** Presses Submit and waits for the stand-in to receive the edit of that interaction's answer. */
export async function submitAndWait(d: DiscordHarness, where: Where, sessionId: string) {
  const interaction = button(where, `submit:${sessionId}`);
  const answer = await d.interact(interaction);
  if (answer.body.type !== 5) throw new Error(`not deferred: ${JSON.stringify(answer.body)}`);
  const path = `/webhooks/${APPLICATION_ID}/${interaction.token}/messages/@original`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const edit = d.standIn.requests.find((r) => r.method === 'PATCH' && r.path === path);
    if (edit) return edit;
    if (Date.now() > deadline) throw new Error('no edit of the deferred answer');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Relays every deliverable event through the relay's (wrapped) store and sink. */
export async function relayAll(relay: ReturnType<typeof withDiscordDms>, clock: Clock) {
  if (!relay.sink) throw new Error('no sink');
  for (let run = 0; run < 50; run++) {
    const done = await relayOutbox({ store: relay.outbox, sink: relay.sink, clock }, DEFAULT_RELAY);
    if (done.published === 0 && done.failed === 0) return;
  }
  throw new Error('relayAll: still relaying');
}
