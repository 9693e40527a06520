import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openSystem } from '../../src/system.ts';
import { agentKey } from '../acp/support/acp-http.ts';
import { testConfig } from '../support/configured-http.ts';
import { newTenantId } from '../support/stores.ts';
import { seedFlowerShop } from '../ucp/support/flower-shop.ts';
import { purchaseOverMcp } from './purchase.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('ordersession mcp (stdio, embedded store)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordersession-mcp-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves the tools over stdio to the SDK client, which completes a purchase', async () => {
    const tenant = newTenantId();
    const system = await openSystem(
      { ...testConfig({ defaultTenantId: tenant }), dataDir, databaseUrl: undefined },
      { gatewayKey: 'test-gateway-key-0123456789abcdef', logger: pino({ level: 'silent' }) },
    );
    let key: string;
    try {
      await seedFlowerShop(system, tenant);
      key = await agentKey(system, tenant);
    } finally {
      await system.close();
    }
    const env = Object.fromEntries(
      Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['bin/ordersession.mjs', 'mcp'],
      cwd: ROOT,
      env: {
        ...env,
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        LOG_LEVEL: 'silent',
        ORDERSESSION_AGENT_KEY: key,
      },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'desktop-assistant', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { completed } = await purchaseOverMcp(client, 'bouquet_tulips', 1);
      expect(completed.status).toBe('completed');
    } finally {
      await client.close();
    }
  }, 120_000);

  it('will not start without a live key', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['bin/ordersession.mjs', 'mcp'],
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        LOG_LEVEL: 'silent',
        ORDERSESSION_AGENT_KEY: 'osk_wrong',
      },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'desktop-assistant', version: '1.0.0' });
    await expect(client.connect(transport)).rejects.toThrow();
  }, 120_000);
});
