import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  importMerchantData,
  MERCHANT_FILES,
  type MerchantFile,
} from './app/checkout-sessions/import-merchant.ts';
import { loadConfig } from './config.ts';
import { newTimeOrderedId } from './platform.ts';
import { createSessionTable } from './store/dynamodb/create-table.ts';
import { createSqlMerchantImportStore } from './store/sql/merchant-import.repository.ts';
import { openSystem } from './system.ts';

/** `ordersession import <folder> --tenant <id> [--currency USD]`: loads a merchant data set. */
export async function importCommand(
  folder: string | undefined,
  flags: { tenant?: string | undefined; currency?: string | undefined },
): Promise<void> {
  if (!folder || !flags.tenant)
    throw new Error('usage: ordersession import <folder> --tenant <id>');
  if (!existsSync(folder)) throw new Error(`no folder ${folder}`);
  const currency = flags.currency ?? 'USD';
  if (!/^[A-Z]{3}$/.test(currency)) throw new Error('--currency: an ISO 4217 code such as USD');
  const files: Partial<Record<MerchantFile, string>> = {};
  for (const file of MERCHANT_FILES) {
    const path = join(folder, file);
    if (existsSync(path)) files[file] = readFileSync(path, 'utf8');
  }
  const system = await openSystem(
    { ...loadConfig(), seedDemo: false },
    { gatewayKey: 'unused-by-import' },
  );
  try {
    const result = await importMerchantData(
      {
        store: createSqlMerchantImportStore(system.store.db),
        clock: system.clock,
        newId: newTimeOrderedId,
      },
      flags.tenant,
      files,
      { currency },
    );
    if (!result.ok) throw new Error(`import refused, nothing written: ${result.error.message}`);
    const s = result.value;
    process.stdout.write(
      `imported into tenant ${flags.tenant}: products ${s.products.inserted} new, ${s.products.updated} updated; ` +
        `${s.discounts} discount(s), ${s.promotions} promotion(s), ${s.shippingRates} shipping rate(s), ` +
        `${s.buyers} customer(s), ${s.addresses} address(es)\n`,
    );
  } finally {
    await system.close();
  }
}

/** `ordersession dynamodb create-table`: the DYNAMODB_TABLE table with TTL on `ttl`. */
export async function dynamodbCommand(sub: string | undefined): Promise<void> {
  if (sub !== 'create-table') throw new Error('usage: ordersession dynamodb create-table');
  const config = loadConfig();
  const client = new DynamoDBClient({});
  try {
    const outcome = await createSessionTable(client, config.checkoutSessions.dynamodbTable);
    process.stdout.write(
      `DynamoDB table ${config.checkoutSessions.dynamodbTable}: ${outcome === 'created' ? 'created' : 'already there'}, TTL on attribute ttl\n`,
    );
  } finally {
    client.destroy();
  }
}
