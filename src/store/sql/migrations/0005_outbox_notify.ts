import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

/** Wakes the relay as soon as events are committed; it also polls, in case a wake-up is missed. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN PERFORM pg_notify('ordersession_outbox', ''); RETURN NULL; END $fn$;
    CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox();
  `,
  );
}
