import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, expect, inject, it, type TestContext } from 'vitest';
import type { EventEnvelope } from '../../src/domain/outbox.ts';
import type { SqlStore } from '../../src/store/sql/database.ts';
import { appendOutboxEvents, countOutboxBacklog } from '../../src/store/sql/outbox.repository.ts';
import { useHttp } from '../support/http.ts';
import {
  expectDelivered,
  ordersWithEvents,
  outboxEvent,
  outboxRow,
  tenantOutbox,
} from '../support/outbox.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

const ROOT = join(import.meta.dirname, '../..');
const DATA_DIR = mkdtempSync(join(tmpdir(), 'ordersession-relay-cli-'));
afterAll(() => rmSync(DATA_DIR, { recursive: true, force: true }));

/** The embedded test store lives in this process only: no CLI can open it. */
function postgresOnly(ctx: TestContext, store: SqlStore): void {
  if (store.kind === 'embedded')
    ctx.skip('embedded store: in this process only, no CLI can open it');
}

/**
 * Runs `ordersession relay …` against the suite's PostgreSQL schema, with the log sink: each
 * relayed event is a JSON log line on stdout.
 */
async function relayCli(store: SqlStore, flag: '--once' | '--unpark') {
  const url = inject('postgresUrl');
  if (!url) throw new Error('no PostgreSQL');
  const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(
    store.db,
  );
  const database = new URL(url);
  database.searchParams.set('options', `-c search_path=${rows[0]?.schema}`);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', 'relay', flag],
    {
      cwd: ROOT,
      timeout: 60_000,
      env: {
        ...process.env,
        DATABASE_URL: database.toString(),
        DATA_DIR,
        OUTBOX_SINK: 'log',
        LOG_LEVEL: 'info',
        PAYMENT_WEBHOOK_SECRET: 'cli-test-payment-secret-0123',
        OUTBOX_WEBHOOK_SECRET: 'cli-test-outbox-secret-0123',
      },
    },
  );
  const lines = stdout.split('\n').filter(Boolean);
  const events = lines
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { event?: EventEnvelope })
    .flatMap((entry) => (entry.event ? [entry.event] : []));
  return { lines, events };
}

describeEachStore('ordersession relay (CLI)', (store) => {
  const http = useHttp(store);
  const db = () => store().db;

  it('`relay --once` logs every relayed event as its envelope and prints the tally', async (ctx) => {
    postgresOnly(ctx, store());
    const tenantId = newTenantId();
    await appendOutboxEvents(
      db(),
      [1, 2, 3].map(() => outboxEvent(tenantId, uuidv7(), 'test.cli')),
    );
    const rows = await tenantOutbox(db(), tenantId);
    const { lines, events } = await relayCli(store(), '--once');
    expectDelivered(
      events.filter((e) => e.tenantId === tenantId),
      rows,
      true,
    );
    expect(lines).toContain(`relayed to log: ${events.length} published, 0 to retry, 0 parked`);
    for (const row of await tenantOutbox(db(), tenantId)) {
      expect(row.published_at).toBeInstanceOf(Date);
    }
  });

  it('`relay --unpark` puts parked events back in line and says how many', async (ctx) => {
    postgresOnly(ctx, store());
    const tenantId = newTenantId();
    const event = outboxEvent(tenantId, uuidv7(), 'test.parked');
    await appendOutboxEvents(db(), [event]);
    await db()
      .updateTable('outbox')
      .set({ attempts: 10, last_error: 'gone', parked_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .execute();
    const { parked } = await countOutboxBacklog(db());
    expect(parked).toBeGreaterThanOrEqual(1);
    const { lines } = await relayCli(store(), '--unpark');
    expect(lines).toContain(`put ${parked} parked outbox event(s) back in line`);
    expect(await outboxRow(db(), tenantId, event.id)).toMatchObject({
      attempts: 0,
      parked_at: null,
      published_at: null,
    });
    expect((await countOutboxBacklog(db())).parked).toBe(0);
  });

  it('`relay --once` relays both events of an order, not only its first', async (ctx) => {
    postgresOnly(ctx, store());
    const { tenantId } = await ordersWithEvents(http(), { orders: 2 });
    const { events } = await relayCli(store(), '--once');
    expect(events.filter((e) => e.tenantId === tenantId).map((e) => e.type)).toHaveLength(4);
    const unpublished = (await tenantOutbox(db(), tenantId)).filter((r) => !r.published_at);
    expect(unpublished.map((r) => r.type)).toEqual([]);
  });
});
