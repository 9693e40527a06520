import { loadConfig } from '../../../src/config.ts';
import { openSystem } from '../../../src/system.ts';
import { seedFlowerShop } from './flower-shop.ts';

// Loads the flower shop into DEFAULT_TENANT_ID of the configured store (tests' stand-in for
// `ordersession import`): `npx tsx test/ucp/support/seed-flower-shop.cli.ts`.
const config = { ...loadConfig(), seedDemo: false };
const system = await openSystem(config, { gatewayKey: 'unused-by-seed' });
try {
  await seedFlowerShop(system, config.defaultTenantId);
  process.stdout.write(`flower shop loaded into tenant ${config.defaultTenantId}\n`);
} finally {
  await system.close();
}
