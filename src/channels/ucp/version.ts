import { parseDictionary } from 'structured-headers';

/** The UCP release this binding implements; discovery, services and handlers all declare it. */
export const UCP_VERSION = '2026-04-08';

export interface UcpAgent {
  /** The platform's profile URL, as sent (not yet checked or fetched). */
  profile?: string | undefined;
  /** The protocol version the platform asks for, when it says. */
  version?: string | undefined;
}

/**
 * Reads the `UCP-Agent` header, an RFC 8941 dictionary: `profile="https://…"`, with the version
 * either as its own member (`, version="…"`) or as a parameter of the profile (`; version="…"`),
 * both of which platforms send. Unparseable: null.
 */
export function parseUcpAgent(header: string | undefined): UcpAgent | null {
  if (header === undefined || header.trim() === '') return {};
  let dictionary: ReturnType<typeof parseDictionary>;
  try {
    dictionary = parseDictionary(header);
  } catch {
    return null;
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const profile = dictionary.get('profile');
  const version =
    text(dictionary.get('version')?.[0]) ?? text(profile?.[1].get('version')) ?? undefined;
  return { profile: text(profile?.[0]), version };
}

/**
 * Whether we can serve the version a platform asks for. We speak one release; a platform that
 * names none gets it. Versions are dates, so a platform on an older release we do not speak is
 * refused as well as a newer one.
 */
export function negotiateVersion(agent: UcpAgent): { ok: true } | { ok: false; message: string } {
  if (agent.version === undefined || agent.version === UCP_VERSION) return { ok: true };
  return {
    ok: false,
    message: `UCP version ${agent.version} is not supported; this business speaks ${UCP_VERSION}.`,
  };
}
