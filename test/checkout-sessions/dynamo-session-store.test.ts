import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { CheckoutSessionError, DynamoSessionStore } from '../../src/index.ts';
import { documentClientFromEnvironment, sessionKey } from '../../src/store/dynamodb/client.ts';
import { createSessionTable } from '../../src/store/dynamodb/create-table.ts';
import { openEmbedded, type SqlStore } from '../../src/store/sql/database.ts';
import { createSqlMerchantDataRepository } from '../../src/store/sql/merchant-data.repository.ts';
import { openSystem, type System } from '../../src/system.ts';
import { manualClock } from '../support/clock.ts';
import { seedShop } from './fixtures.ts';
import { type LocalDynamo, newTenantId, startDynalite } from './support.ts';

describe('DynamoSessionStore (the old surface, on our store)', () => {
  let dynamo: LocalDynamo;
  let sql: SqlStore;
  let system: System;
  let store: DynamoSessionStore;
  const tenant = newTenantId();
  const clock = manualClock();

  beforeAll(async () => {
    dynamo = await startDynalite();
    sql = await openEmbedded({ loadDataDir: new Blob([readFileSync(inject('pgliteSnapshot'))]) });
    system = await openSystem(
      { ...loadConfig({}), seedDemo: false },
      {
        store: sql,
        clock,
        gatewayKey: 'k'.repeat(20),
        webhookSecret: 'w'.repeat(20),
        logger: pino({ level: 'silent' }),
      },
    );
    await seedShop(system, tenant);
    await createSessionTable(dynamo.client, 'legacy-sessions');
    store = new DynamoSessionStore('legacy-sessions', {
      tenantId: tenant,
      client: documentClientFromEnvironment(dynamo.client),
      catalog: createSqlMerchantDataRepository(sql.db),
      clock,
    });
  });
  afterAll(async () => {
    await store.close();
    await dynamo.close();
    await sql.close();
  });

  it('creates, updates with snake_case fields, derives status and totals', async () => {
    const created = await store.create('USD');
    expect(created.status).toBe('incomplete');
    expect(await store.getStatus(created.id)).toBe('incomplete');
    const updated = await store.update(created.id, {
      line_items: [{ product_id: 'pot_ceramic', quantity: 2 }],
      buyer: { email: 'old@example.com', first_name: 'Old' },
      shipping_address: {
        street_address: '1 Elm St',
        city: 'Springfield',
        state: 'IL',
        postal_code: '62704',
        country: 'US',
      },
      payment_instruments: [
        { id: 'pi_1', handler_id: 'sandbox', type: 'card', token: 'success_token' },
      ],
      continue_url: 'https://shop.example/continue',
    });
    expect(updated.status).toBe('ready_for_complete');
    expect(updated.line_items).toEqual([
      {
        id: 'li_1',
        product_id: 'pot_ceramic',
        title: 'pot ceramic',
        quantity: 2,
        unit_price: 1500,
        total: 3000,
      },
    ]);
    expect(updated.totals).toEqual({
      subtotal: 3000,
      tax: 240,
      shipping: 0,
      discount: 0,
      fee: 15,
      total: 3255,
      currency: 'USD',
    });
    expect(updated.shipping_address).toMatchObject({
      street_address: '1 Elm St',
      address_country: 'US',
    });
    expect((await store.get(created.id))?.continue_url).toBe('https://shop.example/continue');
  });

  it('throws on an illegal transition and when the session is final', async () => {
    const created = await store.create('USD');
    await expect(store.transition(created.id, 'ready_for_complete')).rejects.toThrow(
      CheckoutSessionError,
    );
    expect((await store.transition(created.id, 'canceled')).status).toBe('canceled');
    const error = await store.transition(created.id, 'incomplete').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckoutSessionError);
    expect(error).toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { from: 'canceled', to: 'incomplete' },
    });
    await expect(store.update(created.id, { currency: 'USD' })).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
    });
  });

  it('loses none of 20 concurrent updates and forgets an expired session', async () => {
    const created = await store.create('USD');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.update(created.id, { continue_url: `https://shop.example/${i}` }),
      ),
    );
    expect((await store.get(created.id))?.version).toBe(21);
    clock.advanceMinutes(24 * 60 + 1);
    expect(await store.get(created.id)).toBeNull();
    expect(await store.getStatus(created.id)).toBeNull();
    await expect(store.update(created.id, { currency: 'USD' })).rejects.toMatchObject({
      code: 'CHECKOUT_SESSION_NOT_FOUND',
    });
  });

  it('`ordersession dynamodb create-table` creates DYNAMODB_TABLE, and again is harmless', async () => {
    const run = () =>
      promisify(execFile)(process.execPath, ['bin/ordersession.mjs', 'dynamodb', 'create-table'], {
        cwd: join(import.meta.dirname, '../..'),
        timeout: 60_000,
        env: {
          ...process.env,
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          DYNAMODB_TABLE: 'cli-made',
        },
      });
    expect((await run()).stdout).toContain('DynamoDB table cli-made: created');
    expect((await run()).stdout).toContain('DynamoDB table cli-made: already there');
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: 'cli-made' }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
  }, 60_000);

  it('CHECKOUT_SESSION_STORE=dynamodb puts the system’s sessions in DYNAMODB_TABLE', async () => {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    await createSessionTable(dynamo.client, 'from-config');
    const config = loadConfig({
      CHECKOUT_SESSION_STORE: 'dynamodb',
      DYNAMODB_TABLE: 'from-config',
    });
    const onDynamo = await openSystem(
      { ...config, seedDemo: false },
      {
        store: sql,
        clock,
        gatewayKey: 'k'.repeat(20),
        webhookSecret: 'w'.repeat(20),
        logger: pino({ level: 'silent' }),
      },
    );
    const ctx = { tenantId: tenant, userId: 'agent-1', role: 'user' as const };
    const created = await onDynamo.checkoutSessions.create(ctx, {
      lineItems: [{ sku: 'bouquet_roses', quantity: 1 }],
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const { Item } = await documentClientFromEnvironment(dynamo.client).send(
      new GetCommand({
        TableName: 'from-config',
        Key: { pk: sessionKey(tenant, created.value.id) },
      }),
    );
    expect(Item).toMatchObject({
      tenantId: tenant,
      id: created.value.id,
      version: 1,
      status: 'incomplete',
    });
  });
});
