import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDiscordCommand } from '../../src/channels/discord/cli.ts';
import { COMMAND_DEFINITIONS, SUBCOMMANDS } from '../../src/channels/discord/commands.ts';
import { addressFromModal, formatMoney } from '../../src/channels/discord/map.ts';
import { loadConfig } from '../../src/config.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';
import {
  APPLICATION_ID,
  BOT_TOKEN,
  type DiscordStandIn,
  newSnowflake,
  startDiscordStandIn,
  useDiscordHttp,
} from './support.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('ordersession discord register', () => {
  let standIn: DiscordStandIn;
  beforeAll(async () => {
    standIn = await startDiscordStandIn();
  });
  afterAll(() => standIn.close());

  async function cli(...args: string[]) {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'discord', ...args],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: {
          PATH: process.env.PATH,
          DISCORD_APPLICATION_ID: APPLICATION_ID,
          DISCORD_BOT_TOKEN: BOT_TOKEN,
          DISCORD_API_BASE: standIn.url,
        },
      },
    );
    return stdout;
  }

  it('bulk-overwrites the guild commands with the definitions the handler answers to', async () => {
    const guildId = newSnowflake();
    expect(await cli('register', '--guild', guildId)).toContain(
      `registered /order in guild ${guildId}`,
    );
    expect(await cli('register')).toContain('registered /order globally');
    expect(standIn.requests).toEqual([
      {
        method: 'PUT',
        path: `/applications/${APPLICATION_ID}/guilds/${guildId}/commands`,
        authorization: `Bot ${BOT_TOKEN}`,
        body: COMMAND_DEFINITIONS,
      },
      {
        method: 'PUT',
        path: `/applications/${APPLICATION_ID}/commands`,
        authorization: `Bot ${BOT_TOKEN}`,
        body: COMMAND_DEFINITIONS,
      },
    ]);
    const [order] = COMMAND_DEFINITIONS;
    expect(order?.options?.map((o) => o.name)).toEqual([...SUBCOMMANDS]);
  });
});

describe('Discord presentation', () => {
  it('formats money in the currency without floats', () => {
    expect(formatMoney(1999, 'USD')).toBe('$19.99');
    expect(formatMoney(5, 'EUR')).toBe('€0.05');
    expect(formatMoney(1200, 'JPY')).toBe('¥1,200');
    expect(formatMoney(90_000_000_000_07, 'USD')).toBe('$90,000,000,000.07');
  });

  it('reads the modal: two address lines, an upper-cased country', () => {
    expect(
      addressFromModal({
        name: ' Bo ',
        address: '1 Main St\n\nFlat 2\nBack door',
        city: 'Oslo',
        postalCode: '0150',
        country: 'no',
      }),
    ).toEqual({
      name: 'Bo',
      line1: '1 Main St',
      line2: 'Flat 2, Back door',
      city: 'Oslo',
      postalCode: '0150',
      country: 'NO',
    });
  });
});

describeEachStore('ordersession discord link-guild', (store) => {
  const discord = useDiscordHttp(store);

  it('links a guild to a tenant, and moves it when told to', async () => {
    const { h } = discord();
    const guildId = newSnowflake();
    const run = (tenant: string) =>
      runDiscordCommand(['link-guild', guildId, tenant], {
        config: loadConfig({}).discord,
        openGuildLinks: async () => ({
          guildLinks: h.system.discord.guildLinks,
          close: async () => {},
        }),
      });
    const [first, second] = [newTenantId(), newTenantId()];
    expect(await run(first)).toBe(`guild ${guildId} now orders from tenant ${first}\n`);
    expect(await run(second)).toBe(`guild ${guildId} now orders from tenant ${second}\n`);
    await expect(run('Not A Tenant!')).rejects.toThrow(/tenantId/);
  });
});
