import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import type { CheckoutSessionStore } from '../../src/app/checkout-sessions/ports.ts';
import type { RequestContext } from '../../src/app/context.ts';
import { loadConfig } from '../../src/config.ts';
import { createDynamoCheckoutSessionStore } from '../../src/store/dynamodb/checkout-session.store.ts';
import { documentClientFromEnvironment } from '../../src/store/dynamodb/client.ts';
import { createSessionTable } from '../../src/store/dynamodb/create-table.ts';
import { openEmbedded, type SqlStore } from '../../src/store/sql/database.ts';
import { openSystem, type System } from '../../src/system.ts';
import { type ManualClock, manualClock } from '../support/clock.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

export type SessionStoreKind = 'sql' | 'dynamodb';

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  close(): Promise<void>;
}

/** A DynamoDB-compatible server (dynalite) on a free loopback port, in memory. */
export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('dynalite: no port');
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    endpoint,
    client,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let tableCounter = 0;

/** A fresh table on the local server, created the way `ordersession dynamodb create-table` does. */
export async function newDynamoSessionStore(
  dynamo: LocalDynamo,
): Promise<{ store: CheckoutSessionStore; tableName: string }> {
  tableCounter++;
  const tableName = `sessions-${process.pid}-${tableCounter}`;
  await createSessionTable(dynamo.client, tableName);
  return {
    tableName,
    store: createDynamoCheckoutSessionStore({
      tableName,
      client: documentClientFromEnvironment(dynamo.client),
    }),
  };
}

export interface AgentHarness {
  system: System;
  clock: ManualClock;
  kind: SessionStoreKind;
  sql: SqlStore;
  dynamo?: { local: LocalDynamo; tableName: string };
}

/**
 * Runs a suite on every store of agent checkout sessions: the embedded store, PostgreSQL, and
 * DynamoDB (dynalite on a free port, with the merchant data on an embedded store of its own).
 */
export function describeEachSessionStore(
  name: string,
  suite: (harness: () => AgentHarness) => void,
): void {
  describeEachStore(name, (sqlStore) => describeKind('sql', sqlStore, suite));
  describe(`${name} [dynamodb]`, () => {
    let embedded: SqlStore | undefined;
    beforeAll(async () => {
      embedded = await openEmbedded({
        loadDataDir: new Blob([readFileSync(inject('pgliteSnapshot'))]),
      });
    });
    afterAll(async () => {
      await embedded?.close();
    });
    describeKind(
      'dynamodb',
      () => {
        if (!embedded) throw new Error('embedded store not open');
        return embedded;
      },
      suite,
    );
  });
}

function describeKind(
  kind: SessionStoreKind,
  sqlStore: () => SqlStore,
  suite: (harness: () => AgentHarness) => void,
) {
  let harness: AgentHarness | undefined;
  beforeAll(async () => {
    const sql = sqlStore();
    const clock = manualClock();
    let dynamo: AgentHarness['dynamo'];
    let checkoutSessionStore: CheckoutSessionStore | undefined;
    if (kind === 'dynamodb') {
      const local = await startDynalite();
      const made = await newDynamoSessionStore(local);
      dynamo = { local, tableName: made.tableName };
      checkoutSessionStore = made.store;
    }
    const system = await openSystem(
      { ...loadConfig({}), seedDemo: false },
      {
        store: sql,
        clock,
        gatewayKey: 'test-gateway-key-0123456789',
        webhookSecret: 'test-webhook-secret-0123456789',
        logger: pino({ level: 'silent' }),
        ...(checkoutSessionStore ? { checkoutSessionStore } : {}),
      },
    );
    harness = { system, clock, kind, sql, ...(dynamo ? { dynamo } : {}) };
  });
  afterAll(async () => {
    await harness?.dynamo?.local.close();
  });
  suite(() => {
    if (!harness) throw new Error(`${kind} harness not open`);
    return harness;
  });
}

export const adminCtx = (tenantId: string): RequestContext => ({
  tenantId,
  userId: 'admin-1',
  role: 'admin',
});
export const agentCtx = (tenantId: string, userId = 'agent-1'): RequestContext => ({
  tenantId,
  userId,
  role: 'user',
});

export { newTenantId };
