/**
 * Agent API keys: `osk_<tenant>_<secret>`. The tenant travels in the key, so that a key is
 * looked up within its tenant like every other row; only a SHA-256 hash of the whole key is
 * stored, which is enough for random 256-bit secrets (no password hashing needed).
 */
export const AGENT_KEY_PREFIX = 'osk_';
const KEY = /^osk_([a-z0-9][a-z0-9_-]{0,62})_([A-Za-z0-9_-]{43})$/;

export function formatAgentKey(tenantId: string, secretBase64Url: string): string {
  return `${AGENT_KEY_PREFIX}${tenantId}_${secretBase64Url}`;
}

/** The tenant a key claims to belong to; null when it is not shaped like one of our keys. */
export function agentKeyTenant(key: string): string | null {
  // The tenant part may itself hold `_`: the secret is the last 43 characters.
  const match = KEY.exec(key);
  return match ? (match[1] as string) : null;
}

export interface AgentKey {
  id: string;
  tenantId: string;
  label: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Who an agent request comes from: a platform with a key, or an anonymous agent. */
export interface AgentCaller {
  tenantId: string;
  /** null: anonymous (the tenant allows agents without a key). */
  keyId: string | null;
}

/**
 * The user id an agent's sessions and orders are recorded under, e.g. `ucp:anonymous` or
 * `ucp:<key id>`: the protocol in it tells whose orders a channel's webhooks are for.
 */
export function agentUserId(protocol: string, caller: AgentCaller): string {
  return `${protocol}:${caller.keyId ?? 'anonymous'}`;
}
