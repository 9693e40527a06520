import { createHmac, timingSafeEqual } from 'node:crypto';
// The cookie plugin's request and reply decorations.
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestContext } from '../../app/context.ts';

export const SESSION_COOKIE = 'os_console';
export const SESSION_HOURS = 8;

/**
 * The console's sign-in: one admin key, compared in constant time; the session is a signed,
 * HTTP-only, SameSite=Strict cookie holding the tenant and an expiry (no server-side state).
 * The cookie's signing key is derived from the admin key, so changing the key signs everyone out.
 */
export function cookieSecret(adminKey: string): string {
  return createHmac('sha256', adminKey).update('ordersession console cookies v1').digest('hex');
}

export function keyMatches(adminKey: string, given: string): boolean {
  const a = createHmac('sha256', 'compare').update(adminKey).digest();
  const b = createHmac('sha256', 'compare').update(given).digest();
  return timingSafeEqual(a, b);
}

export interface ConsoleSession {
  tenantId: string;
  expires: number;
}

const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function startSession(
  reply: FastifyReply,
  tenantId: string,
  now: Date,
  secure: boolean,
): void {
  const expires = Math.floor(now.getTime() / 1000) + SESSION_HOURS * 3600;
  reply.setCookie(SESSION_COOKIE, `${tenantId}.${expires}`, {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/admin',
    maxAge: SESSION_HOURS * 3600,
  });
}

export function endSession(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/admin' });
}

/** The signed-in session, or null when there is none, it is forged or it has expired. */
export function readSession(request: FastifyRequest, now: Date): ConsoleSession | null {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return null;
  const at = unsigned.value.lastIndexOf('.');
  const tenantId = unsigned.value.slice(0, at);
  const expires = Number(unsigned.value.slice(at + 1));
  if (!TENANT.test(tenantId) || !Number.isInteger(expires)) return null;
  if (expires * 1000 <= now.getTime()) return null;
  return { tenantId, expires };
}

/** The console acts as an admin of its tenant: every use case checks that role as for the API. */
export function operatorContext(session: ConsoleSession): RequestContext {
  return { tenantId: session.tenantId, userId: 'console', role: 'admin' };
}

export function isTenantId(value: string): boolean {
  return TENANT.test(value);
}
