import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/domain/result.ts';
import { createOrderSessionService, type OrderSessionRecord } from '../../src/index.ts';
import { createMemoryProductRepository } from '../../src/store/memory/catalog.repository.ts';
import { createMemoryOrderSessionRepository } from '../../src/store/memory/order-session.repository.ts';
import { manualClock } from '../support/clock.ts';
import { ADDRESS, ctxFor, makeVariant } from '../support/fixtures.ts';

const TENANT = 'acme';
const tee = makeVariant(TENANT, { sku: 'TEE', priceCents: 1999 });
const mug = makeVariant(TENANT, { sku: 'MUG', priceCents: 1250 });
const euroHat = makeVariant(TENANT, { sku: 'HAT-EUR', currency: 'EUR' });
const otherTenantTee = makeVariant('other', { sku: 'TEE' });

function setup(options: { ttlMinutes?: number } = {}) {
  const clock = manualClock();
  const repository = createMemoryOrderSessionRepository();
  const catalog = createMemoryProductRepository([tee, mug, euroHat, otherTenantTee]);
  const service = createOrderSessionService(repository, { catalog, clock, ...options });
  return { clock, repository, service };
}

function value<T>(result: Result<T>): T {
  if (!result.ok)
    throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

function errorCode(result: Result<unknown>): string | undefined {
  return result.ok ? undefined : result.error.code;
}

const alice = ctxFor(TENANT, 'alice');

async function readySession(
  service: ReturnType<typeof setup>['service'],
): Promise<OrderSessionRecord> {
  const session = value(await service.begin(alice));
  value(await service.addItem(alice, session.id, { variantId: tee.id, quantity: 2 }));
  value(await service.setShipping(alice, session.id, ADDRESS));
  return value(await service.setPaymentMethod(alice, session.id, 'sandbox'));
}

describe('order session service', () => {
  it('walks a session from COLLECTING_ITEMS to SUBMITTED', async () => {
    const { service } = setup();
    const begun = value(await service.begin(alice));
    expect(begun.state).toBe('COLLECTING_ITEMS');
    const withItem = value(
      await service.addItem(alice, begun.id, { variantId: tee.id, quantity: 2 }),
    );
    expect(withItem.state).toBe('COLLECTING_SHIPPING');
    expect(withItem.items).toEqual([
      {
        productId: tee.id,
        name: tee.name,
        sku: 'TEE',
        quantity: 2,
        unitPriceCents: 1999,
        currency: 'USD',
      },
    ]);
    expect(withItem.currency).toBe('USD');
    expect(value(await service.setShipping(alice, begun.id, ADDRESS)).state).toBe(
      'SELECTING_PAYMENT',
    );
    expect(value(await service.setPaymentMethod(alice, begun.id, 'sandbox')).state).toBe(
      'READY_TO_SUBMIT',
    );
    const orderId = '01930000-0000-7000-8000-0000000000aa';
    const submitted = value(await service.markSubmitted(alice, begun.id, [orderId]));
    expect(submitted.state).toBe('SUBMITTED');
    expect(submitted.submittedOrderIds).toEqual([orderId]);
    expect(await service.getActive(alice)).toBeNull();
  });

  it('returns the open session from begin instead of creating a second', async () => {
    const { service } = setup();
    const first = value(await service.begin(alice));
    const second = value(await service.begin(alice));
    expect(second.id).toBe(first.id);
    const bob = value(await service.begin(ctxFor(TENANT, 'bob')));
    expect(bob.id).not.toBe(first.id);
  });

  it('creates exactly one session for concurrent begins', async () => {
    const { service } = setup();
    const results = await Promise.all(Array.from({ length: 20 }, () => service.begin(alice)));
    expect(new Set(results.map((r) => value(r).id)).size).toBe(1);
  });

  it('merges the same SKU and keeps both of concurrent adds', async () => {
    const { service } = setup();
    const session = value(await service.begin(alice));
    await Promise.all([
      service.addItem(alice, session.id, { variantId: tee.id, quantity: 1 }),
      service.addItem(alice, session.id, { variantId: tee.id, quantity: 2 }),
      service.addItem(alice, session.id, { variantId: mug.id, quantity: 3 }),
    ]);
    const after = value(await service.get(alice, session.id));
    expect(after.items.map((i) => [i.sku, i.quantity]).sort()).toEqual([
      ['MUG', 3],
      ['TEE', 3],
    ]);
    expect(after.version).toBe(4);
  });

  it('goes back to COLLECTING_ITEMS when the last item is removed', async () => {
    const { service } = setup();
    const session = value(await service.begin(alice));
    value(await service.addItem(alice, session.id, { variantId: tee.id, quantity: 1 }));
    value(await service.addItem(alice, session.id, { variantId: mug.id, quantity: 1 }));
    expect(value(await service.removeItem(alice, session.id, 'TEE')).state).toBe(
      'COLLECTING_SHIPPING',
    );
    const empty = value(await service.removeItem(alice, session.id, 'MUG'));
    expect(empty.state).toBe('COLLECTING_ITEMS');
    expect(empty.items).toEqual([]);
    expect(empty.currency).toBeNull();
    // With the cart empty, a session in another currency can start over.
    expect(
      value(await service.addItem(alice, session.id, { variantId: euroHat.id, quantity: 1 }))
        .currency,
    ).toBe('EUR');
  });

  it('refuses actions the state does not allow, changing nothing', async () => {
    const { service } = setup();
    const session = value(await service.begin(alice));
    const early = await service.setShipping(alice, session.id, ADDRESS);
    expect(early).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_TRANSITION',
        details: { from: 'COLLECTING_ITEMS', action: 'SET_SHIPPING' },
      },
    });
    const ready = await readySession(service);
    expect(
      errorCode(await service.addItem(alice, ready.id, { variantId: mug.id, quantity: 1 })),
    ).toBe('INVALID_TRANSITION');
    expect(errorCode(await service.removeItem(alice, ready.id, 'TEE'))).toBe('INVALID_TRANSITION');
    expect(value(await service.get(alice, ready.id)).version).toBe(ready.version);
    value(await service.cancel(alice, ready.id));
    expect(errorCode(await service.setPaymentMethod(alice, ready.id, 'sandbox'))).toBe(
      'INVALID_TRANSITION',
    );
    expect(errorCode(await service.cancel(alice, ready.id))).toBe('INVALID_TRANSITION');
  });

  it('allows changing shipping and payment method while READY_TO_SUBMIT', async () => {
    const { service } = setup();
    const ready = await readySession(service);
    const moved = value(
      await service.setShipping(alice, ready.id, { ...ADDRESS, city: 'Shelbyville' }),
    );
    expect(moved.state).toBe('READY_TO_SUBMIT');
    expect(moved.shippingAddress?.city).toBe('Shelbyville');
  });

  it('validates items against the catalog and the limits', async () => {
    const { service } = setup();
    const session = value(await service.begin(alice));
    expect(
      errorCode(
        await service.addItem(alice, session.id, { variantId: otherTenantTee.id, quantity: 1 }),
      ),
    ).toBe('VARIANT_NOT_FOUND');
    expect(
      errorCode(await service.addItem(alice, session.id, { variantId: tee.id, quantity: 0 })),
    ).toBe('VALIDATION_FAILED');
    expect(
      errorCode(await service.addItem(alice, session.id, { variantId: tee.id, quantity: 1.5 })),
    ).toBe('VALIDATION_FAILED');
    value(await service.addItem(alice, session.id, { variantId: tee.id, quantity: 999 }));
    expect(
      errorCode(await service.addItem(alice, session.id, { variantId: tee.id, quantity: 1 })),
    ).toBe('QUANTITY_LIMIT_EXCEEDED');
    expect(
      errorCode(await service.addItem(alice, session.id, { variantId: euroHat.id, quantity: 1 })),
    ).toBe('CURRENCY_MISMATCH');
    expect(errorCode(await service.removeItem(alice, session.id, 'NOPE'))).toBe('ITEM_NOT_FOUND');
    expect(
      errorCode(await service.setShipping(alice, session.id, { ...ADDRESS, country: 'usa' })),
    ).toBe('VALIDATION_FAILED');
  });

  it('accepts only the configured payment methods', async () => {
    const { service } = setup();
    const session = value(await service.begin(alice));
    value(await service.addItem(alice, session.id, { variantId: tee.id, quantity: 1 }));
    value(await service.setShipping(alice, session.id, ADDRESS));
    const refused = await service.setPaymentMethod(alice, session.id, 'bitcoin');
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED_PAYMENT_METHOD', details: { field: 'paymentMethod' } },
    });
  });

  it('hides other users’ and other tenants’ sessions', async () => {
    const { service } = setup();
    const session = value(await service.begin(alice));
    for (const ctx of [ctxFor(TENANT, 'bob'), ctxFor('other', 'alice')]) {
      expect(errorCode(await service.get(ctx, session.id))).toBe('SESSION_NOT_FOUND');
      expect(errorCode(await service.cancel(ctx, session.id))).toBe('SESSION_NOT_FOUND');
      expect(await service.getActive(ctx)).toBeNull();
    }
    expect(value(await service.get(alice, session.id)).state).toBe('COLLECTING_ITEMS');
  });

  it('slides the expiry on every change and refuses changes once it has passed', async () => {
    const { service, clock } = setup({ ttlMinutes: 30 });
    const session = value(await service.begin(alice));
    expect(session.expiresAt.getTime() - clock.now().getTime()).toBe(30 * 60_000);
    clock.advanceMinutes(20);
    const touched = value(
      await service.addItem(alice, session.id, { variantId: tee.id, quantity: 1 }),
    );
    expect(touched.expiresAt.getTime() - clock.now().getTime()).toBe(30 * 60_000);
    clock.advanceMinutes(29);
    expect(await service.getActive(alice)).not.toBeNull();
    clock.advanceMinutes(1);
    expect(await service.getActive(alice)).toBeNull();
    const late = await service.setShipping(alice, session.id, ADDRESS);
    expect(errorCode(late)).toBe('SESSION_EXPIRED');
    expect(value(await service.get(alice, session.id)).state).toBe('EXPIRED');
    const fresh = value(await service.begin(alice));
    expect(fresh.id).not.toBe(session.id);
  });

  it('begins a new session when the open one has expired but is not yet swept', async () => {
    const { service, clock } = setup();
    const first = value(await service.begin(alice));
    clock.advanceMinutes(31);
    const second = value(await service.begin(alice));
    expect(second.id).not.toBe(first.id);
    expect(value(await service.get(alice, first.id)).state).toBe('EXPIRED');
  });

  it('refuses a role that may not use sessions', async () => {
    const { service } = setup();
    // Every role may keep a cart today; the check exists so that a role without it is refused.
    expect(
      errorCode(await service.begin({ tenantId: TENANT, userId: 'x', role: 'nobody' as 'user' })),
    ).toBe('FORBIDDEN');
  });

  it('throws a programming error when items are added without a catalog', async () => {
    const service = createOrderSessionService(createMemoryOrderSessionRepository());
    const session = value(await service.begin(alice));
    await expect(
      service.addItem(alice, session.id, { variantId: tee.id, quantity: 1 }),
    ).rejects.toThrow(/catalog/);
  });
});
