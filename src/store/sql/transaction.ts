import type { Kysely, Transaction } from 'kysely';
import type { Result } from '../../domain/result.ts';
import type { Database } from './tables.ts';

/** Carries a failure out of a Kysely transaction so that it rolls back. */
class RollbackWith {
  constructor(readonly result: Result<never>) {}
}

/** Runs `work` in a transaction; commits when it returns ok, rolls back when it returns a failure. */
export async function transactionalResult<T>(
  db: Kysely<Database>,
  work: (trx: Transaction<Database>) => Promise<Result<T>>,
): Promise<Result<T>> {
  try {
    return await db.transaction().execute(async (trx) => {
      const result = await work(trx);
      if (!result.ok) throw new RollbackWith(result);
      return result;
    });
  } catch (err) {
    if (err instanceof RollbackWith) return err.result;
    throw err;
  }
}
