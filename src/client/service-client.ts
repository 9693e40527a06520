import { signServiceRequest } from '../app/service-signature.ts';

/**
 * A small client that other services import to call ordersession (or any service that checks
 * the same signature): every request is signed with the shared secret, with a nonce of its own,
 * so it is good once (a retry is a new request: use an idempotency key to make it safe).
 */
export function createServiceClient(options: {
  baseUrl: string;
  serviceName: string;
  secret: string;
  tenantId: string;
  fetch?: typeof fetch;
}) {
  const send = options.fetch ?? fetch;
  return async function request(
    method: string,
    path: string,
    body?: unknown,
    userId?: string,
    idempotencyKey?: string,
  ): Promise<Response> {
    const rawBody = body === undefined ? '' : JSON.stringify(body);
    // Sign exactly what is sent: the URL as encoded on the wire, not as written.
    const url = new URL(path, options.baseUrl);
    // Tenant, user, idempotency key and a new nonce are signed with the request, and sent as signed.
    const headers: Record<string, string> = {
      ...signServiceRequest(options.secret, {
        serviceName: options.serviceName,
        method,
        url: `${url.pathname}${url.search}`,
        tenantId: options.tenantId,
        userId,
        idempotencyKey,
        rawBody,
      }),
      ...(rawBody ? { 'content-type': 'application/json' } : {}),
    };
    return send(url, {
      method,
      headers,
      ...(rawBody ? { body: rawBody } : {}),
    });
  };
}
