import type { Migration } from 'kysely';
import * as foundation from './0001_foundation.ts';

/** Every migration, in order. Names sort as they apply; never rename or edit a shipped one. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
};
