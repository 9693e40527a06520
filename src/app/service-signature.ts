import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Service-to-service request signing. A caller sends
 *
 *   X-Service-Name: <name>
 *   X-Service-Nonce: <16–128 characters of A–Z a–z 0–9 _ ->, new for every request
 *   X-Service-Auth: <name>:<unixSeconds>:<hex>
 *
 * where the hex is the HMAC-SHA256, keyed with the shared SERVICE_SECRET, of these lines joined
 * by "\n" (no header value can hold a newline, so no two requests sign the same text):
 *
 *   ordersession-service-v2
 *   <name>
 *   <unixSeconds>
 *   <nonce>
 *   <METHOD>
 *   <path?query, as sent>
 *   <x-tenant-id>
 *   <x-user-id, or empty>
 *   <idempotency-key, or empty>
 *   <sha256 hex of the raw body>
 *
 * Who is asking (tenant, user) and what (method, URL, body, idempotency key) are all covered, so
 * a captured call fits no other tenant, user or request; the nonce, remembered while the
 * timestamp would pass, makes it good for one use.
 */
export const SERVICE_SIGNATURE_VERSION = 'ordersession-service-v2';
export const SERVICE_TOLERANCE_SECONDS = 300;
const NONCE = /^[A-Za-z0-9_-]{16,128}$/;

export interface SignedServiceRequest {
  serviceName: string;
  unixSeconds: number;
  nonce: string;
  method: string;
  /** Path and query exactly as sent on the wire. */
  url: string;
  tenantId: string;
  userId?: string | undefined;
  idempotencyKey?: string | undefined;
  rawBody: string;
}

export function serviceSignature(secret: string, request: SignedServiceRequest): string {
  const message = [
    SERVICE_SIGNATURE_VERSION,
    request.serviceName,
    String(request.unixSeconds),
    request.nonce,
    request.method.toUpperCase(),
    request.url,
    request.tenantId,
    request.userId ?? '',
    request.idempotencyKey ?? '',
    createHash('sha256').update(request.rawBody).digest('hex'),
  ].join('\n');
  return createHmac('sha256', secret).update(message).digest('hex');
}

export interface ServiceRequestHeaders {
  'x-service-name': string;
  'x-service-nonce': string;
  'x-service-auth': string;
  'x-tenant-id': string;
  'x-user-id'?: string;
  'idempotency-key'?: string;
}

/** Every header that one outgoing request must carry: the signature and what it covers. */
export function signServiceRequest(
  secret: string,
  request: {
    serviceName: string;
    method: string;
    url: string;
    tenantId: string;
    userId?: string | undefined;
    idempotencyKey?: string | undefined;
    rawBody?: string;
    now?: Date;
    /** A fresh random one unless given (tests). */
    nonce?: string;
  },
): ServiceRequestHeaders {
  const unixSeconds = Math.floor((request.now ?? new Date()).getTime() / 1000);
  const nonce = request.nonce ?? randomBytes(18).toString('base64url');
  const mac = serviceSignature(secret, {
    ...request,
    unixSeconds,
    nonce,
    rawBody: request.rawBody ?? '',
  });
  return {
    'x-service-name': request.serviceName,
    'x-service-nonce': nonce,
    'x-service-auth': `${request.serviceName}:${unixSeconds}:${mac}`,
    'x-tenant-id': request.tenantId,
    ...(request.userId === undefined ? {} : { 'x-user-id': request.userId }),
    ...(request.idempotencyKey === undefined ? {} : { 'idempotency-key': request.idempotencyKey }),
  };
}

/**
 * Remembers nonces: `claim` answers true the first time a nonce is offered before `expiresAt`,
 * false when it was seen and has not expired. Shared by every instance (the database, or Redis).
 */
export interface ServiceNonceStore {
  claim(nonce: string, serviceName: string, expiresAt: Date, now: Date): Promise<boolean>;
}

export type ServiceAuthCheck =
  | { ok: true; serviceName: string; nonce: string; expiresAt: Date }
  | { ok: false; reason: string };

/** Checks the signature of a request; the nonce is then claimed by the caller (it is I/O). */
export function verifyServiceRequest(
  secret: string,
  request: {
    nameHeader: string | undefined;
    authHeader: string;
    nonceHeader: string | undefined;
    method: string;
    url: string;
    tenantHeader: string | undefined;
    userHeader: string | undefined;
    idempotencyKeyHeader: string | undefined;
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
  if (request.nonceHeader === undefined || !NONCE.test(request.nonceHeader)) {
    return { ok: false, reason: 'X-Service-Nonce missing or malformed (16–128 of A-Za-z0-9_-)' };
  }
  if (
    options.allowedServices &&
    options.allowedServices.length > 0 &&
    !options.allowedServices.includes(serviceName)
  ) {
    return { ok: false, reason: `unknown service ${serviceName}` };
  }
  const tolerance = options.toleranceSeconds ?? SERVICE_TOLERANCE_SECONDS;
  const unixSeconds = Number(seconds);
  if (Math.abs(options.nowUnixSeconds - unixSeconds) > tolerance) {
    return { ok: false, reason: 'stale timestamp' };
  }
  const expected = serviceSignature(secret, {
    serviceName,
    unixSeconds,
    nonce: request.nonceHeader,
    method: request.method,
    url: request.url,
    // Missing, it is signed as empty; the caller then refuses the request for want of it.
    tenantId: request.tenantHeader ?? '',
    userId: request.userHeader,
    idempotencyKey: request.idempotencyKeyHeader,
    rawBody: request.rawBody,
  });
  if (!timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(mac, 'hex'))) {
    return { ok: false, reason: 'wrong signature' };
  }
  // Past this instant the timestamp check refuses the request anyway: the nonce may be forgotten.
  return {
    ok: true,
    serviceName,
    nonce: request.nonceHeader,
    expiresAt: new Date((unixSeconds + tolerance) * 1000),
  };
}
