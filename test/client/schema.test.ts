import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { clientSchemaSource } from '../../scripts/client-schema.ts';
import { openSnapshotStore } from '../support/stores.ts';

it('has the types of the current API document (else: npm run generate:client)', async () => {
  const committed = readFileSync(
    resolve(import.meta.dirname, '../../src/client/schema.ts'),
    'utf8',
  );
  const current = await clientSchemaSource(await openSnapshotStore());
  // One line of difference is enough to know; the whole diff would flood the report.
  const stale = current.split('\n').find((line, i) => line !== committed.split('\n')[i]);
  expect(
    committed === current,
    `src/client/schema.ts is stale (first changed line: ${stale}): run npm run generate:client`,
  ).toBe(true);
});
