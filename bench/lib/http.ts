import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface Answer<T = unknown> {
  status: number;
  /** The parsed JSON body (the service's envelope), or null. */
  body: { success: boolean; data?: T; error?: string; message?: string } | null;
  ms: number;
}

export interface Caller {
  userId: string;
  role?: 'user' | 'seller' | 'admin';
  tenantId: string;
}

/**
 * A keep-alive HTTP client over one connection per virtual user (undici Pool, no pipelining),
 * speaking the service's gateway headers. Every call is timed from send to the last body byte.
 */
export class Api {
  private readonly pool: Pool;

  constructor(
    readonly address: string,
    private readonly gatewayKey: string,
    connections: number,
  ) {
    this.pool = new Pool(address, {
      connections,
      pipelining: 1,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
      keepAliveTimeout: 60_000,
    });
  }

  /** A request with the gateway headers of `caller` (none for `null`: health, webhook). */
  async call<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    caller: Caller | null,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (caller) {
      headers['x-gateway-key'] = this.gatewayKey;
      headers['x-user-id'] = caller.userId;
      headers['x-user-role'] = caller.role ?? 'user';
      headers['x-tenant-id'] = caller.tenantId;
    }
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const started = performance.now();
    try {
      const response = await this.pool.request({
        method,
        path,
        headers,
        ...(payload !== undefined ? { body: payload } : {}),
      });
      const text = await response.body.text();
      const ms = performance.now() - started;
      let parsed: Answer<T>['body'] = null;
      try {
        parsed = text ? (JSON.parse(text) as Answer<T>['body']) : null;
      } catch {
        parsed = null;
      }
      return { status: response.statusCode, body: parsed, ms };
    } catch (err) {
      // A connection error or timeout: status 0, counted with the 5xx.
      const message = err instanceof Error ? err.message : String(err);
      return {
        status: 0,
        body: { success: false, error: 'CLIENT_ERROR', message },
        ms: performance.now() - started,
      };
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** The error code of a failed answer, for the error table. */
export function errorCode(answer: Answer): string {
  return answer.body?.error ?? (answer.status === 0 ? 'CLIENT_ERROR' : `HTTP_${answer.status}`);
}
