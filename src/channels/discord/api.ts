import type {
  APIChannel,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import type { Message } from './map.ts';

export class DiscordApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`Discord API ${what} answered ${status}: ${body.slice(0, 300)}`);
  }
}

export interface DiscordApiOptions {
  /** DISCORD_API_BASE, without a trailing slash. */
  apiBase: string;
  /** Needed for DMs and registration; interaction webhooks use the interaction's token. */
  botToken?: string | undefined;
  timeoutMs?: number;
}

/** The few calls of Discord's REST API we make, each bounded in time. */
export interface DiscordApi {
  /** Replaces the deferred answer to an interaction. */
  editOriginal(applicationId: string, interactionToken: string, message: Message): Promise<void>;
  /** Opens (or finds) the DM channel with a user and posts there. */
  sendDm(userId: string, message: Message): Promise<void>;
  /** Bulk-overwrites the application's commands, globally or in one guild. */
  overwriteCommands(
    applicationId: string,
    commands: RESTPostAPIChatInputApplicationCommandsJSONBody[],
    guildId?: string,
  ): Promise<unknown>;
}

export function createDiscordApi(options: DiscordApiOptions): DiscordApi {
  const timeoutMs = options.timeoutMs ?? 5000;

  async function call(
    method: string,
    path: string,
    body: unknown,
    auth: 'bot' | 'none',
  ): Promise<unknown> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'DiscordBot (https://github.com/ordersession/ordersession, 0.1.0)',
    };
    if (auth === 'bot') {
      if (!options.botToken) throw new Error('DISCORD_BOT_TOKEN is not set');
      headers.authorization = `Bot ${options.botToken}`;
    }
    const response = await fetch(`${options.apiBase}${path}`, {
      method,
      headers,
      body: JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw new DiscordApiError(response.status, text, `${method} ${path}`);
    return text ? (JSON.parse(text) as unknown) : null;
  }

  const segment = encodeURIComponent;

  return {
    async editOriginal(applicationId, interactionToken, message) {
      // Flags cannot change on an edit; the deferred answer was already ephemeral.
      const { flags: _flags, ...body } = message;
      await call(
        'PATCH',
        `/webhooks/${segment(applicationId)}/${segment(interactionToken)}/messages/@original`,
        body,
        'none',
      );
    },

    async sendDm(userId, message) {
      const channel = (await call(
        'POST',
        '/users/@me/channels',
        { recipient_id: userId },
        'bot',
      )) as Pick<APIChannel, 'id'> | null;
      if (!channel?.id) throw new Error('Discord API: opening a DM returned no channel id');
      await call('POST', `/channels/${segment(channel.id)}/messages`, message, 'bot');
    },

    overwriteCommands(applicationId, commands, guildId) {
      const path = guildId
        ? `/applications/${segment(applicationId)}/guilds/${segment(guildId)}/commands`
        : `/applications/${segment(applicationId)}/commands`;
      return call('PUT', path, commands, 'bot');
    },
  };
}
