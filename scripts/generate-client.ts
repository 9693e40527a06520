import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { clientSchemaSource } from './client-schema.ts';

/**
 * `npm run generate:client`: writes the typed client's types (src/client/schema.ts) from the
 * API document the server generates. A test fails while the committed file is stale.
 */
const target = resolve(import.meta.dirname, '../src/client/schema.ts');
writeFileSync(target, await clientSchemaSource());
console.log(`wrote ${target}`);
