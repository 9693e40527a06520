/** The Discord commands' lines of `ordersession --help`: apart, so the help loads nothing else. */
export const DISCORD_USAGE = `  discord register [--guild <id>]          write the /order command to Discord (one guild: at once; global: within the hour)
  discord link-guild <guildId> <tenantId>  orders from that Discord server go to that tenant`;
