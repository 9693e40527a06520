import type { Kysely } from 'kysely';
import { DEFAULT_PRICING, type PricingSettings } from '../../domain/pricing/settings.ts';
import type { Database } from './tables.ts';

/** A tenant's pricing settings: what it stored over the defaults. */
export async function findPricingSettings(
  db: Kysely<Database>,
  tenantId: string,
): Promise<PricingSettings> {
  const row = await db
    .selectFrom('tenants')
    .select('settings')
    .where('id', '=', tenantId)
    .executeTakeFirst();
  const stored = (row?.settings.pricing ?? {}) as Partial<PricingSettings>;
  return { ...DEFAULT_PRICING, ...stored };
}

export async function savePricingSettings(
  db: Kysely<Database>,
  tenantId: string,
  pricing: PricingSettings,
  now: Date,
): Promise<PricingSettings> {
  const settings = JSON.stringify({ pricing });
  await db
    .insertInto('tenants')
    .values({ id: tenantId, name: tenantId, settings, created_at: now })
    .onConflict((conflict) => conflict.column('id').doUpdateSet({ settings }))
    .execute();
  return pricing;
}
