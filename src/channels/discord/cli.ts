import { parseArgs } from 'node:util';
import type { GuildLinks } from '../../app/discord/guild-links.ts';
import type { DiscordConfig } from '../../config.ts';
import { createDiscordApi, type DiscordApi } from './api.ts';
import { COMMAND_DEFINITIONS } from './commands.ts';
import { DISCORD_USAGE } from './usage.ts';

/** Bulk-overwrites the application's commands with the ones the handler answers to. */
export async function registerCommands(
  api: Pick<DiscordApi, 'overwriteCommands'>,
  applicationId: string,
  guildId?: string,
): Promise<string[]> {
  await api.overwriteCommands(applicationId, COMMAND_DEFINITIONS, guildId);
  return COMMAND_DEFINITIONS.map((command) => command.name);
}

/** `ordersession discord …`; what it printed. */
export async function runDiscordCommand(
  args: string[],
  deps: {
    config: DiscordConfig;
    openGuildLinks: () => Promise<{ guildLinks: GuildLinks; close(): Promise<void> }>;
  },
): Promise<string> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { guild: { type: 'string' } },
  });
  const [action, ...rest] = positionals;
  switch (action) {
    case 'register': {
      const { applicationId, botToken, apiBase } = deps.config;
      if (!applicationId || !botToken) {
        throw new Error('discord register needs DISCORD_APPLICATION_ID and DISCORD_BOT_TOKEN');
      }
      const names = await registerCommands(
        createDiscordApi({ apiBase, botToken }),
        applicationId,
        values.guild,
      );
      return `registered /${names.join(', /')} ${values.guild ? `in guild ${values.guild}` : 'globally'}\n`;
    }
    case 'link-guild': {
      const [guildId, tenantId] = rest;
      if (!guildId || !tenantId) throw new Error(`usage:\n${DISCORD_USAGE}`);
      const opened = await deps.openGuildLinks();
      try {
        const linked = await opened.guildLinks.linkAsOperator(guildId, tenantId);
        if (!linked.ok) throw new Error(linked.error.message);
        return `guild ${linked.value.guildId} now orders from tenant ${linked.value.tenantId}\n`;
      } finally {
        await opened.close();
      }
    }
    default:
      throw new Error(`usage:\n${DISCORD_USAGE}`);
  }
}
