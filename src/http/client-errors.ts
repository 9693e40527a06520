import type { Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyHttpOptions, FastifyReply, FastifyRequest } from 'fastify';
import { type DomainError, domainError } from '../domain/errors.ts';
import { sendError } from './envelope.ts';
import { HTTP_STATUS } from './error-status.ts';

/** How long a client may take; a slow client (one byte every few seconds) is cut off. */
export interface HttpTimeouts {
  /** The whole request, headers and body, must arrive within this. */
  requestMs: number;
  /** The headers must arrive within this (at most requestMs). */
  headersMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { requestMs: 30_000, headersMs: 10_000 };

/** A route parameter longer than this is refused before routing; schemas set tighter limits. */
const MAX_PARAM_LENGTH = 500;

/** Node's errors from its HTTP parser and timers, as our codes. */
function clientError(code: string | undefined): DomainError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return domainError('HEADERS_TOO_LARGE');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return domainError('REQUEST_TIMEOUT');
    default:
      return domainError(
        'MALFORMED_REQUEST',
        `The request is not valid HTTP (${code ?? 'unknown'}).`,
      );
  }
}

/** Sockets answered already: Node may report one broken request more than once. */
const answered = new WeakSet<Socket>();
/** How long an answered connection may keep sending before it is closed regardless. */
const DRAIN_MS = 2_000;

/**
 * Node's `clientError`: the request never reached Fastify (malformed, headers over the limit,
 * too slow), so the envelope is written by hand on the socket. When no answer is under way on
 * it, the rest of what the client sends is read and dropped while the answer goes out: closing
 * with unread data would reset the connection, and the client would never see the answer.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
  answered.add(socket);
  // Node's own listener already ignores later socket errors; be sure of it.
  socket.on('error', () => {});
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const failure = clientError(error.code);
  const status = HTTP_STATUS[failure.code];
  const body = JSON.stringify({ success: false, error: failure.code, message: failure.message });
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    'connection: close\r\n\r\n';
  if (inFlight) {
    // A response object exists (its body was being read): end as Node does.
    socket.end(head + body, () => socket.destroy());
    return;
  }
  socket.removeAllListeners('data');
  socket.on('data', () => {});
  socket.resume();
  socket.end(head + body);
  setTimeout(() => socket.destroy(), DRAIN_MS).unref();
}

/** Fastify's own routing errors (bad percent-encoding, a parameter over the limit). */
export function answerFrameworkError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? `url: a path segment is over ${MAX_PARAM_LENGTH} characters`
      : 'url: the path is not valid percent-encoding';
  if (error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendError(reply, domainError('VALIDATION_FAILED', message, { field: 'url' }));
  }
  return sendError(reply, domainError('INTERNAL_ERROR'));
}

/** The server options that keep every answer in the envelope and slow clients out. */
export function edgeServerOptions(timeouts: HttpTimeouts): FastifyHttpOptions<Server> {
  const headersMs = Math.min(timeouts.headersMs, timeouts.requestMs);
  return {
    requestTimeout: timeouts.requestMs,
    // Node checks the timeouts every connectionsCheckingInterval (30 s by default): often
    // enough that a timeout fires within a second or so of its limit.
    http: {
      headersTimeout: headersMs,
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(headersMs / 4))),
    },
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
  };
}
