import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import type { OpenApiDocument } from '../src/http/openapi-finish.ts';
import { openEmbedded, type SqlStore } from '../src/store/sql/database.ts';
import { buildHttp, openSystem } from '../src/system.ts';

/**
 * The API document of a server with the default settings, on an embedded store in memory:
 * what the typed client is generated from, and what the docs tests lint.
 */
export async function buildOpenApiDocument(store?: SqlStore): Promise<OpenApiDocument> {
  const system = await openSystem(
    { ...loadConfig({}), seedDemo: false },
    {
      // Tests hand in a store opened from their migrated snapshot (faster than migrating).
      store: store ?? (await openEmbedded()),
      logger: pino({ level: 'silent' }),
      gatewayKey: 'document-only-gateway-key-0123456789',
      adminKey: 'document-only-admin-key-0123456789',
    },
  );
  try {
    const app = await buildHttp(system);
    try {
      await app.ready();
      // A copy: the plugin caches the object it returns.
      return structuredClone(app.swagger()) as unknown as OpenApiDocument;
    } finally {
      await app.close();
    }
  } finally {
    await system.close();
  }
}
