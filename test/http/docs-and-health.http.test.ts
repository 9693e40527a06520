import { expect, it } from 'vitest';
import { openPostgres } from '../../src/store/sql/database.ts';
import { buildHttp } from '../../src/system.ts';
import { useHttp } from '../support/http.ts';
import { describeEachStore } from '../support/stores.ts';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
}

/**
 * Every route the server registered, as `METHOD path` with OpenAPI-style `{params}`, read from
 * Fastify's route tree: each line is indented four characters per level below its parent.
 */
function registeredRoutes(tree: string): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(match[2] ?? '');
    const path = stack.join('').replace(/:(\w+)/g, '{$1}');
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim())) {
      if (method && method !== 'HEAD') routes.push(`${method} ${path}`);
    }
  }
  return routes;
}

const DOCUMENTED = (route: string) => / (\/api\/|\/health$)/.test(route);

describeEachStore('docs and health', (store) => {
  const http = useHttp(store);

  it('answers GET /health with 200 and status ok', async () => {
    const answer = await http().send({ method: 'GET', url: '/health' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      success: true,
      data: { status: 'ok', store: http().system.store.kind },
    });
  });

  it('answers GET /health with 503 SERVICE_UNAVAILABLE when the database does not answer', async () => {
    // Nothing listens on port 1: the ping fails the way a database that is down does.
    const unreachable = openPostgres({ url: 'postgres://postgres@127.0.0.1:1/none', poolSize: 1 });
    const app = await buildHttp({ ...http().system, store: unreachable });
    try {
      const answer = await app.inject({ method: 'GET', url: '/health' });
      expect(answer.statusCode).toBe(503);
      expect(answer.json()).toMatchObject({ success: false, error: 'SERVICE_UNAVAILABLE' });
    } finally {
      await app.close();
      await unreachable.close();
    }
  });

  it('serves an OpenAPI 3 document with every /api route and /health', async () => {
    const response = await http().app.inject({ method: 'GET', url: '/api-docs/json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json<OpenApiDocument>();
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);

    const routes = registeredRoutes(http().app.printRoutes({ commonPrefix: false }));
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/sessions',
        'GET /api/sessions/active',
        'GET /api/sessions/{id}',
        'POST /api/sessions/{id}/items',
        'DELETE /api/sessions/{id}/items/{sku}',
        'PUT /api/sessions/{id}/shipping',
        'PUT /api/sessions/{id}/payment-method',
        'POST /api/sessions/{id}/cancel',
        'GET /api/products',
        'GET /api/products/{id}',
        'POST /api/admin/products',
        'GET /health',
      ]),
    );
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.filter(DOCUMENTED).sort()).toEqual(routes.filter(DOCUMENTED).sort());
  });
});
