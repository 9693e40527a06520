import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CheckoutSessionStore } from '../../src/app/checkout-sessions/ports.ts';
import { createSqlCheckoutSessionStore } from '../../src/store/sql/checkout-session.store.ts';
import { buildHttp, openSystem } from '../../src/system.ts';
import { manualClock } from '../support/clock.ts';
import { testConfig } from '../support/configured-http.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';
import { seedFlowerShop } from '../ucp/support/flower-shop.ts';
import { agentKey } from './support/acp-http.ts';
import { expectAcp } from './support/schemas.ts';

describeEachStore('ACP: a 5xx is never stored under its Idempotency-Key', (store) => {
  const tenant = newTenantId();
  let failNext = false;
  let app: Awaited<ReturnType<typeof buildHttp>>;
  let key: string;

  beforeAll(async () => {
    const real = createSqlCheckoutSessionStore(store().db);
    // The store fails once when asked to: the request is answered 500.
    const flaky: CheckoutSessionStore = {
      ...real,
      insert: async (...args: Parameters<CheckoutSessionStore['insert']>) => {
        if (failNext) {
          failNext = false;
          throw new Error('the store went away');
        }
        return real.insert(...args);
      },
    };
    const system = await openSystem(testConfig({ defaultTenantId: tenant }), {
      store: store(),
      clock: manualClock(new Date()),
      gatewayKey: 'test-gateway-key-0123456789abcdef',
      webhookSecret: 'test-webhook-secret-0123456789',
      logger: pino({ level: 'silent' }),
      checkoutSessionStore: flaky,
    });
    app = await buildHttp(system);
    await app.ready();
    await seedFlowerShop(system, tenant);
    key = await agentKey(system, tenant);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 500 in ACP shape, then runs the retry with the same key', async () => {
    const request = {
      method: 'POST' as const,
      url: '/checkout_sessions',
      payload: { line_items: [{ id: 'pot_ceramic', quantity: 1 }] },
      headers: {
        authorization: `Bearer ${key}`,
        'api-version': '2026-04-17',
        'idempotency-key': crypto.randomUUID(),
      },
    };
    failNext = true;
    const failed = await app.inject(request);
    expect(failed.statusCode).toBe(500);
    expectAcp('Error', failed.json());
    expect(failed.json().type).toBe('processing_error');
    const retried = await app.inject(request);
    expect(retried.statusCode, retried.body).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expectAcp('CheckoutSession', retried.json());
  });
});
