/**
 * A Discord user as our buyer: their id, namespaced so that Discord user 123 and a web user
 * "123" of the same tenant are never one buyer. Orders and sessions carry this user id.
 */
const PREFIX = 'discord:';

export function discordBuyerId(discordUserId: string): string {
  return `${PREFIX}${discordUserId}`;
}

/** The Discord user id of a buyer, or null when the buyer is not a Discord user. */
export function discordUserIdOf(buyerId: string): string | null {
  return buyerId.startsWith(PREFIX) ? buyerId.slice(PREFIX.length) : null;
}
