import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Service-to-service request signing. A caller sends `X-Service-Name: <name>` and
 * `X-Service-Auth: <name>:<unixSeconds>:<hex>` where the hex is the HMAC-SHA256, keyed with the
 * shared SERVICE_SECRET, of `<name>:<unixSeconds>:<METHOD>:<path?query>:<sha256 hex of the raw body>`.
 * Method, path, query and body are all covered, so a captured header fits no other request.
 */
export function serviceSignature(
  secret: string,
  request: {
    serviceName: string;
    unixSeconds: number;
    method: string;
    url: string;
    rawBody: string;
  },
): string {
  const bodyHash = createHash('sha256').update(request.rawBody).digest('hex');
  const message = `${request.serviceName}:${request.unixSeconds}:${request.method.toUpperCase()}:${request.url}:${bodyHash}`;
  return createHmac('sha256', secret).update(message).digest('hex');
}

/** The two headers that sign one outgoing request. */
export function signServiceRequest(
  secret: string,
  request: { serviceName: string; method: string; url: string; rawBody?: string; now?: Date },
): { 'x-service-name': string; 'x-service-auth': string } {
  const unixSeconds = Math.floor((request.now ?? new Date()).getTime() / 1000);
  const mac = serviceSignature(secret, { ...request, unixSeconds, rawBody: request.rawBody ?? '' });
  return {
    'x-service-name': request.serviceName,
    'x-service-auth': `${request.serviceName}:${unixSeconds}:${mac}`,
  };
}

export type ServiceAuthCheck = { ok: true; serviceName: string } | { ok: false; reason: string };

export function verifyServiceRequest(
  secret: string,
  request: {
    nameHeader: string | undefined;
    authHeader: string;
    method: string;
    url: string;
    rawBody: string;
  },
  options: {
    nowUnixSeconds: number;
    toleranceSeconds?: number;
    allowedServices?: readonly string[];
  },
): ServiceAuthCheck {
  const match = /^([A-Za-z0-9._-]{1,64}):(\d{1,12}):([0-9a-f]{64})$/.exec(request.authHeader);
  if (!match) return { ok: false, reason: 'malformed X-Service-Auth' };
  const [, serviceName = '', seconds = '0', mac = ''] = match;
  if (request.nameHeader !== serviceName)
    return { ok: false, reason: 'X-Service-Name does not match' };
  if (
    options.allowedServices &&
    options.allowedServices.length > 0 &&
    !options.allowedServices.includes(serviceName)
  ) {
    return { ok: false, reason: `unknown service ${serviceName}` };
  }
  if (Math.abs(options.nowUnixSeconds - Number(seconds)) > (options.toleranceSeconds ?? 300)) {
    return { ok: false, reason: 'stale timestamp' };
  }
  const expected = serviceSignature(secret, {
    ...request,
    serviceName,
    unixSeconds: Number(seconds),
  });
  const valid = timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(mac, 'hex'));
  return valid ? { ok: true, serviceName } : { ok: false, reason: 'wrong signature' };
}
