import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MerchantCatalog } from '../../app/checkout-sessions/ports.ts';
import {
  type CheckoutSessionService,
  createCheckoutSessionService,
  DEFAULT_CHECKOUT_SESSION_TTL_HOURS,
} from '../../app/checkout-sessions/service.ts';
import type { RequestContext } from '../../app/context.ts';
import type { Clock } from '../../app/ports.ts';
import { loadConfig } from '../../config.ts';
import type {
  PaymentInstrumentInput,
  PostalAddressInput,
  UpdateCheckoutSessionInput,
} from '../../domain/checkout-session/inputs.ts';
import { selectedDestination } from '../../domain/checkout-session/status.ts';
import type {
  CheckoutSession,
  CheckoutSessionStatus,
  PostalAddress,
} from '../../domain/checkout-session/types.ts';
import type { DomainError } from '../../domain/errors.ts';
import type { Result } from '../../domain/result.ts';
import { newTimeOrderedId, systemClock } from '../../platform.ts';
import { migrateToLatest, openEmbedded, openPostgres, type SqlStore } from '../sql/database.ts';
import { createSqlMerchantDataRepository } from '../sql/merchant-data.repository.ts';
import { createDynamoCheckoutSessionStore } from './checkout-session.store.ts';

/** A failure of the old surface: it threw, so this throws, with our stable code. */
export class CheckoutSessionError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(error: DomainError) {
    super(error.message);
    this.name = 'CheckoutSessionError';
    this.code = error.code;
    this.details = error.details;
  }
}

type Snake = Record<string, unknown>;

export interface LegacySessionUpdates {
  line_items?: { product_id?: string; sku?: string; id?: string; quantity: number }[];
  buyer?: Snake | null;
  shipping_address?: Snake | null;
  billing_address?: Snake | null;
  payment_instruments?: Snake[];
  currency?: string;
  continue_url?: string | null;
}

export interface LegacySession {
  id: string;
  status: CheckoutSessionStatus;
  currency: string;
  line_items: {
    id: string;
    product_id: string;
    title: string;
    quantity: number;
    unit_price: number;
    total: number;
  }[];
  buyer: Snake | null;
  shipping_address: Snake | null;
  billing_address: Snake | null;
  payment_instruments: Snake[];
  messages: { type: string; code: string; path?: string; content: string; severity?: string }[];
  totals: {
    subtotal: number;
    tax: number;
    shipping: number;
    discount: number;
    fee: number;
    total: number;
    currency: string;
  };
  continue_url: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  expires_at: string;
}

export interface DynamoSessionStoreOptions {
  /** The tenant of every session; default DEFAULT_TENANT_ID. */
  tenantId?: string;
  /** Default: a client configured from the environment (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB…). */
  client?: DynamoDBDocumentClient;
  /** Where prices, stock, shipping rates come from. Default: the configured SQL store. */
  catalog?: MerchantCatalog;
  clock?: Clock;
  ttlHours?: number;
}

/**
 * The old design's DynamoDB session store, same surface and meanings, on our store: every
 * update is conditional on the version read and re-applied after a lost race (none is lost),
 * items past their `ttl` are gone, status is derived from the data and totals recomputed by
 * the one pricing function with catalog prices (a price sent in `line_items` is ignored).
 */
export class DynamoSessionStore {
  readonly tableName: string;
  readonly #options: DynamoSessionStoreOptions;
  #service: Promise<{ service: CheckoutSessionService; sql?: SqlStore }> | undefined;
  #ctx: RequestContext | undefined;

  constructor(tableName: string, options: DynamoSessionStoreOptions = {}) {
    this.tableName = tableName;
    this.#options = options;
  }

  async create(currency: string): Promise<LegacySession> {
    const { service, ctx } = await this.#open();
    return present(unwrap(await service.create(ctx, { currency })));
  }

  async update(id: string, updates: LegacySessionUpdates): Promise<LegacySession> {
    const { service, ctx } = await this.#open();
    return present(unwrap(await service.update(ctx, id, toInput(updates))));
  }

  /** The session, or null when there is none (or it expired). */
  async get(id: string): Promise<LegacySession | null> {
    const { service, ctx } = await this.#open();
    const found = await service.get(ctx, id);
    if (!found.ok && found.error.code === 'CHECKOUT_SESSION_NOT_FOUND') return null;
    return present(unwrap(found));
  }

  async getStatus(id: string): Promise<CheckoutSessionStatus | null> {
    return (await this.get(id))?.status ?? null;
  }

  /** Moves the session to `target`; throws CheckoutSessionError (INVALID_TRANSITION) when illegal. */
  async transition(id: string, target: CheckoutSessionStatus): Promise<LegacySession> {
    const { service, ctx } = await this.#open();
    return present(unwrap(await service.transition(ctx, id, target)));
  }

  /** Closes the SQL store this object opened for its catalog, if any. */
  async close(): Promise<void> {
    const opened = await this.#service;
    await opened?.sql?.close();
  }

  async #open(): Promise<{ service: CheckoutSessionService; ctx: RequestContext }> {
    this.#service ??= (async () => {
      let catalog = this.#options.catalog;
      let sql: SqlStore | undefined;
      const config = loadConfig();
      if (!catalog) {
        // The configured SQL store, as the server opens it.
        sql = config.databaseUrl
          ? openPostgres({ url: config.databaseUrl, poolSize: config.databasePoolSize })
          : await openEmbedded({ dataDir: join(config.dataDir, 'pglite') });
        await migrateToLatest(sql.db);
        catalog = createSqlMerchantDataRepository(sql.db);
      }
      const service = createCheckoutSessionService({
        store: createDynamoCheckoutSessionStore({
          tableName: this.tableName,
          client: this.#options.client,
        }),
        catalog,
        clock: this.#options.clock ?? systemClock,
        newId: newTimeOrderedId,
        ttlHours: this.#options.ttlHours ?? DEFAULT_CHECKOUT_SESSION_TTL_HOURS,
      });
      this.#ctx = {
        tenantId: this.#options.tenantId ?? config.defaultTenantId,
        userId: 'dynamo-session-store',
        role: 'internal',
      };
      return sql ? { service, sql } : { service };
    })();
    const { service } = await this.#service;
    if (!this.#ctx) throw new Error('DynamoSessionStore: not opened');
    return { service, ctx: this.#ctx };
  }
}

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new CheckoutSessionError(result.error);
  return result.value;
}

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

function address(value: Snake): PostalAddressInput {
  return {
    streetAddress: str(value.street_address) ?? str(value.line1) ?? '',
    ...((str(value.extended_address) ?? str(value.line2))
      ? { extendedAddress: str(value.extended_address) ?? str(value.line2) }
      : {}),
    locality: str(value.address_locality) ?? str(value.city) ?? '',
    ...((str(value.address_region) ?? str(value.state) ?? str(value.region))
      ? { region: str(value.address_region) ?? str(value.state) ?? str(value.region) }
      : {}),
    postalCode: str(value.postal_code) ?? '',
    country: str(value.address_country) ?? str(value.country) ?? '',
    ...(str(value.first_name) ? { firstName: str(value.first_name) } : {}),
    ...(str(value.last_name) ? { lastName: str(value.last_name) } : {}),
    ...(str(value.phone_number) ? { phoneNumber: str(value.phone_number) } : {}),
  };
}

function toInput(updates: LegacySessionUpdates): UpdateCheckoutSessionInput {
  const input: UpdateCheckoutSessionInput = {};
  if (updates.currency !== undefined) input.currency = updates.currency;
  if (updates.continue_url !== undefined) input.continueUrl = updates.continue_url;
  if (updates.line_items !== undefined) {
    input.lineItems = updates.line_items.map((line) => ({
      sku: line.product_id ?? line.sku ?? line.id ?? '',
      quantity: line.quantity,
    }));
  }
  if (updates.buyer !== undefined) {
    const b = updates.buyer;
    input.buyer =
      b === null
        ? null
        : {
            ...(str(b.email) ? { email: str(b.email) } : {}),
            ...(str(b.first_name) ? { firstName: str(b.first_name) } : {}),
            ...(str(b.last_name) ? { lastName: str(b.last_name) } : {}),
            ...((str(b.full_name) ?? str(b.name))
              ? { fullName: str(b.full_name) ?? str(b.name) }
              : {}),
            ...((str(b.phone_number) ?? str(b.phone))
              ? { phoneNumber: str(b.phone_number) ?? str(b.phone) }
              : {}),
          };
  }
  if (updates.shipping_address !== undefined)
    input.shippingAddress = updates.shipping_address && address(updates.shipping_address);
  if (updates.billing_address !== undefined)
    input.billingAddress = updates.billing_address && address(updates.billing_address);
  if (updates.payment_instruments !== undefined) {
    input.paymentInstruments = updates.payment_instruments.map(
      (p, i): PaymentInstrumentInput => ({
        id: str(p.id) ?? `instrument_${i + 1}`,
        handlerId: str(p.handler_id) ?? 'sandbox',
        type: str(p.type) ?? 'card',
        ...(p.credential && typeof p.credential === 'object'
          ? { credential: p.credential as Record<string, unknown> }
          : str(p.token)
            ? { credential: { type: 'token', token: str(p.token) } }
            : {}),
      }),
    );
  }
  return input;
}

function snakeAddress(a: PostalAddress | null): Snake | null {
  if (!a) return null;
  return {
    street_address: a.streetAddress,
    ...(a.extendedAddress ? { extended_address: a.extendedAddress } : {}),
    address_locality: a.locality,
    ...(a.region ? { address_region: a.region } : {}),
    postal_code: a.postalCode,
    address_country: a.country,
  };
}

function present(s: CheckoutSession): LegacySession {
  return {
    id: s.id,
    status: s.status,
    currency: s.currency,
    line_items: s.lineItems.map((l) => ({
      id: l.id,
      product_id: l.sku,
      title: l.title,
      quantity: l.quantity,
      unit_price: l.unitPriceCents,
      total: l.totals.totalCents,
    })),
    buyer: s.buyer
      ? {
          ...(s.buyer.email ? { email: s.buyer.email } : {}),
          ...(s.buyer.firstName ? { first_name: s.buyer.firstName } : {}),
          ...(s.buyer.lastName ? { last_name: s.buyer.lastName } : {}),
          ...(s.buyer.fullName ? { full_name: s.buyer.fullName } : {}),
          ...(s.buyer.phoneNumber ? { phone_number: s.buyer.phoneNumber } : {}),
        }
      : null,
    shipping_address: snakeAddress(selectedDestination(s)),
    billing_address: snakeAddress(s.billingAddress),
    payment_instruments: s.paymentInstruments.map((p) => ({
      id: p.id,
      handler_id: p.handlerId,
      type: p.type,
    })),
    messages: s.messages,
    totals: {
      subtotal: s.totals.subtotalCents,
      tax: s.totals.taxCents,
      shipping: s.totals.fulfillmentCents,
      discount: s.totals.discountCents,
      fee: s.totals.feeCents,
      total: s.totals.totalCents,
      currency: s.currency,
    },
    continue_url: s.continueUrl,
    version: s.version,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
    expires_at: s.expiresAt.toISOString(),
  };
}
