import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type {
  KnownBuyer,
  Promotion,
  SavedAddress,
  ShippingRate,
} from '../../domain/checkout-session/merchant.ts';
import { MAX_AMOUNT_CENTS } from '../../domain/money.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import type { Clock, IdGenerator } from '../ports.ts';
import type { MerchantDataRepository } from './ports.ts';

/** The files of a merchant data set (the UCP conformance suite's `flower_shop` shape). */
export const MERCHANT_FILES = [
  'products.csv',
  'inventory.csv',
  'discounts.csv',
  'promotions.csv',
  'shipping_rates.csv',
  'customers.csv',
  'addresses.csv',
] as const;
export type MerchantFile = (typeof MERCHANT_FILES)[number];

export interface ImportedProduct {
  sku: string;
  name: string;
  priceCents: number;
  onHand: number;
  /** The catalog product's picture (products.csv image_url), when the row has one. */
  imageUrl: string | null;
}

export interface ImportedDiscount {
  code: string;
  kind: 'percent' | 'fixed';
  percentBp: number | null;
  amountCents: number | null;
  title: string;
}

/** Writes of an import that the merchant data repository does not cover: products and coupons. */
export interface MerchantImportStore extends MerchantDataRepository {
  /** Inserts or updates by SKU; returns whether it was new. */
  upsertProductBySku(
    tenantId: string,
    product: ImportedProduct & { currency: string },
    newId: IdGenerator,
    now: Date,
  ): Promise<'inserted' | 'updated'>;
  upsertDiscount(
    tenantId: string,
    discount: ImportedDiscount & { currency: string },
    now: Date,
  ): Promise<void>;
}

const cents = z.coerce.number().int().min(0).max(MAX_AMOUNT_CENTS);
const id = z.string().trim().min(1).max(100);
const text = (max: number) => z.string().trim().min(1).max(max);

const rowSchemas = {
  'products.csv': z.object({
    id: id.regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ., _ and -').max(64),
    title: text(200),
    price: cents,
    image_url: z.union([z.literal(''), z.url({ protocol: /^https?$/ }).max(2000)]).optional(),
  }),
  'inventory.csv': z.object({ product_id: id, quantity: z.coerce.number().int().min(0) }),
  'discounts.csv': z.object({
    code: text(64).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and -'),
    type: z.enum(['percentage', 'fixed_amount']),
    value: z.coerce.number().positive(),
    description: z.string().trim().max(200).optional(),
  }),
  'promotions.csv': z.object({
    id,
    type: z.literal('free_shipping'),
    min_subtotal: z.union([z.literal(''), cents]).optional(),
    eligible_item_ids: z.string().optional(),
    description: z.string().trim().max(500).optional(),
  }),
  'shipping_rates.csv': z.object({
    id,
    country_code: z
      .string()
      .trim()
      .regex(/^([A-Za-z]{2}|default)$/, 'an ISO 3166-1 alpha-2 code or "default"'),
    service_level: text(50),
    price: cents,
    title: text(200),
  }),
  'customers.csv': z.object({ id, name: text(200), email: z.email().max(254) }),
  'addresses.csv': z.object({
    id,
    customer_id: id,
    street_address: text(200),
    city: text(100),
    state: z.string().trim().max(100).optional(),
    postal_code: text(20),
    country: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code'),
  }),
} as const;

type Rows = { [F in MerchantFile]: { line: number; row: z.output<(typeof rowSchemas)[F]> }[] };

/** A row that is wrong: which file, which line (1 = the header) and which field. */
function rowError(file: string, line: number, field: string, message: string) {
  return fail('VALIDATION_FAILED', `${file}:${line}: ${field}: ${message}`, {
    file,
    line,
    field,
  });
}

/** Parses and validates every file; the first wrong row fails the whole set, before any write. */
export function parseMerchantFiles(files: Partial<Record<MerchantFile, string>>): Result<Rows> {
  const rows = {} as Rows;
  for (const file of MERCHANT_FILES) {
    const text = files[file];
    const parsedRows: { line: number; row: unknown }[] = [];
    if (text !== undefined) {
      let records: { record: Record<string, string>; info: { lines: number } }[];
      try {
        records = parse(text, {
          columns: true,
          skip_empty_lines: true,
          trim: true,
          info: true,
          bom: true,
          // The UCP data sets write JSON lists unquoted: ["bouquet_roses"].
          relax_quotes: true,
        }) as { record: Record<string, string>; info: { lines: number } }[];
      } catch (err) {
        const line = (err as { lines?: number }).lines ?? 0;
        return rowError(file, line, '(csv)', (err as Error).message);
      }
      for (const { record, info } of records) {
        const schema = rowSchemas[file];
        const parsed = schema.safeParse(record);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          return rowError(
            file,
            info.lines,
            String(issue?.path[0] ?? '?'),
            issue?.message ?? 'invalid',
          );
        }
        parsedRows.push({ line: info.lines, row: parsed.data });
      }
    }
    (rows as Record<string, unknown>)[file] = parsedRows;
  }
  return ok(rows);
}

export interface ImportSummary {
  products: { inserted: number; updated: number };
  discounts: number;
  promotions: number;
  shippingRates: number;
  buyers: number;
  addresses: number;
}

/**
 * Loads a merchant data set into a tenant, idempotently: every record is an upsert by its id
 * (products by SKU: a product id becomes the SKU), so a second import updates, never duplicates.
 * Cross-file references (inventory → product, address → customer) are checked before writing.
 */
export async function importMerchantData(
  deps: { store: MerchantImportStore; clock: Clock; newId: IdGenerator },
  tenantId: string,
  files: Partial<Record<MerchantFile, string>>,
  options: { currency: string },
): Promise<Result<ImportSummary>> {
  const parsed = parseMerchantFiles(files);
  if (!parsed.ok) return parsed;
  const rows = parsed.value;
  const now = deps.clock.now();

  const stock = new Map<string, number>();
  const productIds = new Set(rows['products.csv'].map((r) => r.row.id));
  for (const { line, row } of rows['inventory.csv']) {
    if (!productIds.has(row.product_id))
      return rowError('inventory.csv', line, 'product_id', `no product ${row.product_id}`);
    stock.set(row.product_id, row.quantity);
  }
  const customerIds = new Set(rows['customers.csv'].map((r) => r.row.id));
  for (const { line, row } of rows['addresses.csv']) {
    if (!customerIds.has(row.customer_id))
      return rowError('addresses.csv', line, 'customer_id', `no customer ${row.customer_id}`);
  }
  const promotions: Promotion[] = [];
  for (const { line, row } of rows['promotions.csv']) {
    let eligibleSkus: string[] = [];
    if (row.eligible_item_ids) {
      const list = z.array(z.string().min(1)).safeParse(safeJson(row.eligible_item_ids));
      if (!list.success)
        return rowError('promotions.csv', line, 'eligible_item_ids', 'a JSON array of product ids');
      eligibleSkus = list.data;
    }
    const min = row.min_subtotal === '' || row.min_subtotal === undefined ? null : row.min_subtotal;
    if (min === null && eligibleSkus.length === 0)
      return rowError(
        'promotions.csv',
        line,
        'min_subtotal',
        'needs min_subtotal or eligible_item_ids',
      );
    promotions.push({
      tenantId,
      id: row.id,
      type: 'free_shipping',
      minSubtotalCents: min,
      eligibleSkus,
      description: row.description || 'Free shipping',
    });
  }
  const discounts: ImportedDiscount[] = [];
  for (const { line, row } of rows['discounts.csv']) {
    if (row.type === 'percentage') {
      const bp = Math.round(row.value * 100);
      if (bp < 1 || bp > 10_000)
        return rowError('discounts.csv', line, 'value', 'a percentage from 0.01 to 100');
      discounts.push({
        code: row.code.toUpperCase(),
        kind: 'percent',
        percentBp: bp,
        amountCents: null,
        title: row.description || `${row.value}% off`,
      });
    } else {
      if (!Number.isInteger(row.value) || row.value > MAX_AMOUNT_CENTS)
        return rowError('discounts.csv', line, 'value', 'whole minor units (cents)');
      discounts.push({
        code: row.code.toUpperCase(),
        kind: 'fixed',
        percentBp: null,
        amountCents: row.value,
        title: row.description || row.code,
      });
    }
  }

  const summary: ImportSummary = {
    products: { inserted: 0, updated: 0 },
    discounts: 0,
    promotions: 0,
    shippingRates: 0,
    buyers: 0,
    addresses: 0,
  };
  for (const { row } of rows['products.csv']) {
    const outcome = await deps.store.upsertProductBySku(
      tenantId,
      {
        sku: row.id,
        name: row.title,
        priceCents: row.price,
        onHand: stock.get(row.id) ?? 0,
        imageUrl: row.image_url || null,
        currency: options.currency,
      },
      deps.newId,
      now,
    );
    summary.products[outcome]++;
  }
  for (const discount of discounts) {
    await deps.store.upsertDiscount(tenantId, { ...discount, currency: options.currency }, now);
    summary.discounts++;
  }
  for (const promotion of promotions) {
    await deps.store.upsertPromotion(promotion, now);
    summary.promotions++;
  }
  for (const { row } of rows['shipping_rates.csv']) {
    const rate: ShippingRate = {
      tenantId,
      id: row.id,
      countryCode: row.country_code === 'default' ? 'default' : row.country_code.toUpperCase(),
      serviceLevel: row.service_level,
      priceCents: row.price,
      title: row.title,
    };
    await deps.store.upsertShippingRate(rate, now);
    summary.shippingRates++;
  }
  for (const { line, row } of rows['customers.csv']) {
    const buyer: KnownBuyer = {
      tenantId,
      id: row.id,
      email: row.email.toLowerCase(),
      name: row.name,
    };
    if ((await deps.store.upsertBuyer(buyer, now)) === 'email_taken')
      return rowError('customers.csv', line, 'email', 'another customer has this e-mail');
    summary.buyers++;
  }
  for (const { row } of rows['addresses.csv']) {
    const address: SavedAddress = {
      tenantId,
      id: row.id,
      buyerId: row.customer_id,
      streetAddress: row.street_address,
      locality: row.city,
      ...(row.state ? { region: row.state } : {}),
      postalCode: row.postal_code,
      country: row.country.toUpperCase(),
    };
    await deps.store.upsertAddress(address, now);
    summary.addresses++;
  }
  return ok(summary);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
