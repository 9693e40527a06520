import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { expireDueSessions } from '../../src/app/order-sessions/expire-sessions.ts';
import type { ProductVariant } from '../../src/domain/catalog/types.ts';
import type { sessionDto } from '../../src/http/sessions.schemas.ts';
import { ADDRESS } from '../support/fixtures.ts';
import { type Answer, useHttp } from '../support/http.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

type Session = z.infer<typeof sessionDto>;
const MINUTE = 60_000;

describeEachStore('order sessions over HTTP', (store) => {
  const http = useHttp(store);

  function sessionsOf(tenant: string, user: string) {
    const c = http().as(tenant, user);
    const base = '/api/sessions';
    return {
      // An empty JSON object; a begin without a body works too (tested below).
      begin: () => c.post<Session>(base, {}),
      active: () => c.get<Session>(`${base}/active`),
      get: (id: string) => c.get<Session>(`${base}/${id}`),
      add: (id: string, variantId: string, quantity = 1) =>
        c.post<Session>(`${base}/${id}/items`, { variantId, quantity }),
      remove: (id: string, sku: string) => c.delete<Session>(`${base}/${id}/items/${sku}`),
      ship: (id: string) => c.put<Session>(`${base}/${id}/shipping`, { shippingAddress: ADDRESS }),
      pay: (id: string, paymentMethod = 'sandbox') =>
        c.put<Session>(`${base}/${id}/payment-method`, { paymentMethod }),
      cancel: (id: string) => c.post<Session>(`${base}/${id}/cancel`),
      submit: (id: string) => c.post<unknown>(`${base}/${id}/submit`),
    };
  }
  type Api = ReturnType<typeof sessionsOf>;

  /** A fresh tenant with `count` USD products of distinct prices (the first two are named). */
  async function shop(count = 2) {
    const tenant = newTenantId();
    const prices = Array.from({ length: count }, (_, i) => ({ priceCents: 1999 + i * 101 }));
    const products = await http().seedProducts(tenant, ...prices);
    const [tee, mug] = products as [ProductVariant, ProductVariant];
    return { tenant, products, tee, mug, alice: sessionsOf(tenant, 'alice') };
  }

  /** Begins a session and returns it, checking the answer. */
  async function begin(api: Api): Promise<Session> {
    const begun = await api.begin();
    expect([200, 201]).toContain(begun.status);
    return begun.body.data;
  }

  /** A session holding one unit of `product`, in COLLECTING_SHIPPING. */
  async function withItem(api: Api, product: ProductVariant): Promise<Session> {
    const session = await begin(api);
    const added = await api.add(session.id, product.id);
    expect(added.status).toBe(200);
    return added.body.data;
  }

  function expectError(answer: Answer<unknown>, status: number, code: string, details?: object) {
    expect({ status: answer.status, error: answer.body.error }).toEqual({ status, error: code });
    if (details) expect(answer.body.details).toMatchObject(details);
  }

  /** A POST with a raw body (or none), as any HTTP client could send it. */
  function rawPost(url: string, contentType?: string, payload?: string, tenant = newTenantId()) {
    const headers = http().headers(tenant, 'alice');
    return http().send({
      method: 'POST',
      url,
      headers: contentType ? { ...headers, 'content-type': contentType } : headers,
      ...(payload === undefined ? {} : { payload }),
    });
  }

  async function expectVersion(api: Api, id: string, version: number) {
    const read = await api.get(id);
    expect(read.status).toBe(200);
    expect(read.body.data.version).toBe(version);
  }

  describe('the README walkthrough', () => {
    it('takes a session from begin to READY_TO_SUBMIT with catalog names, SKUs and prices', async () => {
      const { tee, mug, alice } = await shop(2);
      const begun = await alice.begin();
      expect(begun.status).toBe(201);
      expect(begun.body.data).toMatchObject({ state: 'COLLECTING_ITEMS', items: [] });
      const id = begun.body.data.id;

      const first = await alice.add(id, tee.id, 2);
      expect([first.status, first.body.data.state]).toEqual([200, 'COLLECTING_SHIPPING']);
      const second = (await alice.add(id, mug.id, 1)).body.data;
      const line = (p: ProductVariant, quantity: number) => ({
        ...{ productId: p.id, sku: p.sku, name: p.name, unitPriceCents: p.priceCents, quantity },
        lineTotalCents: p.priceCents * quantity,
      });
      expect(second.items).toMatchObject([line(tee, 2), line(mug, 1)]);
      expect(second.subtotalCents).toBe(2 * tee.priceCents + mug.priceCents);

      const shipped = (await alice.ship(id)).body.data;
      expect(shipped).toMatchObject({ state: 'SELECTING_PAYMENT', shippingAddress: ADDRESS });
      const paid = await alice.pay(id);
      expect(paid.body.data).toMatchObject({ state: 'READY_TO_SUBMIT', paymentMethod: 'sandbox' });

      for (const read of [await alice.active(), await alice.get(id)]) {
        expect(read.status).toBe(200);
        expect(read.body.data).toEqual(paid.body.data);
      }
    });

    // Regression: Fastify validates a missing body as null, which an `.optional()` schema
    // refuses; a begin without a body once answered 400 VALIDATION_FAILED.
    it('begins a session with a POST that has no body', async () => {
      expect((await rawPost('/api/sessions')).status).toBe(201);
    });

    it('begins a session with an empty JSON body, as the README curl does', async () => {
      expect((await rawPost('/api/sessions', 'application/json', '')).status).toBe(201);
    });

    it('answers a second begin with the open session and 200', async () => {
      const { alice } = await shop(0);
      const first = await alice.begin();
      const again = await alice.begin();
      expect([first.status, again.status]).toEqual([201, 200]);
      expect(again.body.data.id).toBe(first.body.data.id);
    });

    it('merges the same SKU added twice into one line', async () => {
      const { tee, alice } = await shop(1);
      const session = await withItem(alice, tee);
      const merged = await alice.add(session.id, tee.id, 3);
      expect(merged.body.data.items).toHaveLength(1);
      expect(merged.body.data.items[0]).toMatchObject({ sku: tee.sku, quantity: 4 });
      expect(merged.body.data.subtotalCents).toBe(4 * tee.priceCents);
    });

    it('removes an item, and goes back to COLLECTING_ITEMS when the last one goes', async () => {
      const { tee, mug, alice } = await shop(2);
      const session = await withItem(alice, tee);
      await alice.add(session.id, mug.id);
      const one = await alice.remove(session.id, tee.sku);
      expect(one.status).toBe(200);
      expect(one.body.data).toMatchObject({ state: 'COLLECTING_SHIPPING', currency: 'USD' });
      expect(one.body.data.items.map((i) => i.sku)).toEqual([mug.sku]);
      expectError(await alice.remove(session.id, 'NOT-THERE'), 404, 'ITEM_NOT_FOUND');
      const none = (await alice.remove(session.id, mug.sku)).body.data;
      expect(none).toMatchObject({ state: 'COLLECTING_ITEMS', items: [], subtotalCents: 0 });
    });

    it('cancels a session, which is then no longer active', async () => {
      const { tee, alice } = await shop(1);
      const session = await withItem(alice, tee);
      const cancelled = await alice.cancel(session.id);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.data.state).toBe('CANCELLED');
      expectError(await alice.active(), 404, 'SESSION_NOT_FOUND');
      expect((await alice.get(session.id)).body.data.state).toBe('CANCELLED');
    });

    it.each([{ unitPriceCents: 1 }, { name: 'Free stuff' }, { sku: 'OTHER' }])(
      'rejects an item body with a client-side field %o with 400',
      async (extra) => {
        const { tee, tenant, alice } = await shop(1);
        const session = await begin(alice);
        const body = { variantId: tee.id, quantity: 1, ...extra };
        const answer = await http()
          .as(tenant, 'alice')
          .post(`/api/sessions/${session.id}/items`, body);
        expectError(answer, 400, 'VALIDATION_FAILED');
        await expectVersion(alice, session.id, session.version);
      },
    );
  });

  describe('isolation', () => {
    it('hides a session from another user of the tenant and from the same user id elsewhere', async () => {
      const { tenant, tee, alice } = await shop(1);
      const session = await withItem(alice, tee);
      for (const outsider of [sessionsOf(tenant, 'bob'), sessionsOf(newTenantId(), 'alice')]) {
        for (const answer of [
          await outsider.get(session.id),
          await outsider.add(session.id, tee.id),
          await outsider.remove(session.id, tee.sku),
          await outsider.ship(session.id),
          await outsider.pay(session.id),
          await outsider.cancel(session.id),
          await outsider.submit(session.id),
        ]) {
          expectError(answer, 404, 'SESSION_NOT_FOUND');
        }
        expectError(await outsider.active(), 404, 'SESSION_NOT_FOUND');
      }
      await expectVersion(alice, session.id, session.version);
    });

    it("neither lists nor sells another tenant's products", async () => {
      const { tee: foreign } = await shop(1);
      const other = await shop(1);
      const client = http().as(other.tenant, 'alice');
      const listed = await client.get<{ items: { id: string }[] }>('/api/products');
      expect(listed.body.data.items.map((p) => p.id)).toEqual([other.tee.id]);
      expectError(await client.get(`/api/products/${foreign.id}`), 404, 'PRODUCT_NOT_FOUND');
      const session = await begin(other.alice);
      expectError(await other.alice.add(session.id, foreign.id), 404, 'VARIANT_NOT_FOUND');
      await expectVersion(other.alice, session.id, session.version);
    });
  });

  describe('concurrency', () => {
    it('creates exactly one session for 20 concurrent begins', async () => {
      const { alice } = await shop(0);
      const answers = await Promise.all(Array.from({ length: 20 }, () => alice.begin()));
      expect(new Set(answers.map((a) => a.body.data.id)).size).toBe(1);
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      expect(answers.filter((a) => a.status === 200)).toHaveLength(19);
    });

    it('keeps all 10 concurrent adds of different products', async () => {
      const { products, alice } = await shop(10);
      const session = await begin(alice);
      const answers = await Promise.all(products.map((p) => alice.add(session.id, p.id)));
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
      const read = (await alice.get(session.id)).body.data;
      expect(read.items.map((i) => i.productId).sort()).toEqual(products.map((p) => p.id).sort());
      expect(read.version).toBe(session.version + 10);
    });

    it('adds up 10 concurrent adds of the same product to quantity 10', async () => {
      const { tee, alice } = await shop(1);
      const session = await begin(alice);
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => alice.add(session.id, tee.id)),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
      const read = (await alice.get(session.id)).body.data;
      expect(read.items).toEqual([expect.objectContaining({ sku: tee.sku, quantity: 10 })]);
    });
  });

  describe('time to live', () => {
    const at = (minutesFromNow: number) =>
      new Date(http().clock.now().getTime() + minutesFromNow * MINUTE).toISOString();

    it('slides expiresAt to now + 30 minutes on every change', async () => {
      const { tee, alice } = await shop(1);
      const begun = await begin(alice);
      expect(begun.expiresAt).toBe(at(30));
      http().clock.advanceMinutes(20);
      const added = await alice.add(begun.id, tee.id);
      expect(added.body.data.expiresAt).toBe(at(30));
      http().clock.advanceMinutes(25);
      const shipped = await alice.ship(begun.id);
      expect(shipped.body.data.expiresAt).toBe(at(30));
    });

    it('rejects a change after the session expired, marks it EXPIRED and begins anew', async () => {
      const { tee, alice } = await shop(1);
      const session = await withItem(alice, tee);
      http().clock.advanceMinutes(31);
      expectError(await alice.active(), 404, 'SESSION_NOT_FOUND');
      expectError(await alice.ship(session.id), 410, 'SESSION_EXPIRED');
      expect((await alice.get(session.id)).body.data.state).toBe('EXPIRED');
      expectError(await alice.active(), 404, 'SESSION_NOT_FOUND');
      const again = await alice.begin();
      expect(again.status).toBe(201);
      expect(again.body.data.id).not.toBe(session.id);
      expect(again.body.data).toMatchObject({ state: 'COLLECTING_ITEMS', items: [] });
    });

    const sweep = (options?: { batchSize: number; maxBatches: number }) =>
      expireDueSessions(http().system.sessionRepository, http().clock, options);

    /** Moves far past every session made so far and expires them all, so counts are exact. */
    async function flushDueSessions() {
      http().clock.advanceMinutes(60 * 24 * 365);
      await sweep();
    }

    /** A session for each of `count` users of one fresh tenant; reads one back by `read`. */
    async function beginMany(count: number) {
      const tenant = newTenantId();
      const apis = Array.from({ length: count }, (_, i) => sessionsOf(tenant, `user-${i}`));
      const sessions = await Promise.all(apis.map(begin));
      return apis.map((api, i) => ({ api, id: (sessions[i] as Session).id }));
    }
    const read = async (s: { api: Api; id: string }) => (await s.api.get(s.id)).body.data;

    it('sweeps due sessions of several users to EXPIRED and leaves the others alone', async () => {
      await flushDueSessions();
      const due = await beginMany(4);
      http().clock.advanceMinutes(20);
      const fresh = await beginMany(2);
      http().clock.advanceMinutes(15);

      expect(await sweep()).toBe(4);
      for (const s of due) expect(await read(s)).toMatchObject({ state: 'EXPIRED' });
      for (const s of fresh) {
        expect(await read(s)).toMatchObject({ state: 'COLLECTING_ITEMS', version: 1 });
      }
      expect(await sweep()).toBe(0);
    });

    it('lets two racing sweepers expire each due session exactly once', async () => {
      await flushDueSessions();
      const due = await beginMany(12);
      http().clock.advanceMinutes(31);
      const options = { batchSize: 2, maxBatches: 100 };
      const [a, b] = await Promise.all([sweep(options), sweep(options)]);
      expect(a + b).toBe(12);
      for (const s of due) expect(await read(s)).toMatchObject({ state: 'EXPIRED', version: 2 });
    });
  });

  describe('state rules', () => {
    it('refuses shipping before any item with 409 INVALID_TRANSITION from COLLECTING_ITEMS', async () => {
      const { alice } = await shop(0);
      const session = await begin(alice);
      const answer = await alice.ship(session.id);
      expectError(answer, 409, 'INVALID_TRANSITION', {
        from: 'COLLECTING_ITEMS',
        action: 'SET_SHIPPING',
      });
      await expectVersion(alice, session.id, session.version);
    });

    it('refuses an item once shipping is set', async () => {
      const { tee, mug, alice } = await shop(2);
      const session = await withItem(alice, tee);
      const shipped = (await alice.ship(session.id)).body.data;
      expectError(await alice.add(session.id, mug.id), 409, 'INVALID_TRANSITION', {
        from: 'SELECTING_PAYMENT',
      });
      await expectVersion(alice, session.id, shipped.version);
    });

    it('refuses every change after cancel', async () => {
      const { tee, alice } = await shop(1);
      const session = await withItem(alice, tee);
      const cancelled = (await alice.cancel(session.id)).body.data;
      for (const answer of [
        await alice.add(session.id, tee.id),
        await alice.remove(session.id, tee.sku),
        await alice.ship(session.id),
        await alice.pay(session.id),
        await alice.cancel(session.id),
        await alice.submit(session.id),
      ]) {
        expectError(answer, 409, 'INVALID_TRANSITION', { from: 'CANCELLED' });
      }
      await expectVersion(alice, session.id, cancelled.version);
    });

    it('refuses an item in another currency with 422 CURRENCY_MISMATCH', async () => {
      const { tenant, tee, alice } = await shop(1);
      const [euro] = await http().seedProducts(tenant, { currency: 'EUR' });
      const session = await withItem(alice, tee);
      const answer = await alice.add(session.id, (euro as ProductVariant).id);
      expectError(answer, 422, 'CURRENCY_MISMATCH', {
        sessionCurrency: 'USD',
        itemCurrency: 'EUR',
      });
      await expectVersion(alice, session.id, session.version);
    });

    it('refuses more than 999 of one SKU once merged with 422 QUANTITY_LIMIT_EXCEEDED', async () => {
      const { tee, alice } = await shop(1);
      const session = await begin(alice);
      const first = (await alice.add(session.id, tee.id, 500)).body.data;
      const answer = await alice.add(session.id, tee.id, 500);
      expectError(answer, 422, 'QUANTITY_LIMIT_EXCEEDED', {
        field: 'quantity',
        max: 999,
        requested: 1000,
      });
      await expectVersion(alice, session.id, first.version);
      expect((await alice.add(session.id, tee.id, 499)).body.data.items[0]?.quantity).toBe(999);
    });

    it('refuses an unsupported payment method with 422', async () => {
      const { tee, alice } = await shop(1);
      const session = await withItem(alice, tee);
      const shipped = (await alice.ship(session.id)).body.data;
      expectError(await alice.pay(session.id, 'bitcoin'), 422, 'UNSUPPORTED_PAYMENT_METHOD', {
        field: 'paymentMethod',
      });
      await expectVersion(alice, session.id, shipped.version);
    });
  });

  describe('authentication and bad input', () => {
    const get = (url: string, headers: Record<string, string>) =>
      http().send({ method: 'GET', url, headers });
    const good = () => http().headers(newTenantId(), 'alice');

    it('answers 401 UNAUTHENTICATED without the right gateway key or a user id', async () => {
      const { 'x-gateway-key': _key, ...noKey } = good();
      const { 'x-user-id': _user, ...noUser } = good();
      const wrongKey = { ...good(), 'x-gateway-key': 'wrong-key-wrong-key' };
      for (const headers of [noKey, wrongKey, noUser]) {
        expectError(await get('/api/sessions/active', headers), 401, 'UNAUTHENTICATED');
      }
    });

    it.each(['superuser', 'internal'])('answers 400 for the role %s', async (role) => {
      const answer = await get('/api/products', { ...good(), 'x-user-role': role });
      expectError(answer, 400, 'VALIDATION_FAILED', { field: 'headers.x-user-role' });
    });

    it('answers 400 VALIDATION_FAILED naming the field for a session id that is no uuid', async () => {
      for (const answer of [
        await get('/api/sessions/not-a-uuid', good()),
        await rawPost('/api/sessions/42/cancel'),
      ]) {
        expectError(answer, 400, 'VALIDATION_FAILED', { field: 'params.id' });
      }
    });

    it('answers 400 INVALID_JSON for a malformed body', async () => {
      const { tenant, alice } = await shop(0);
      const session = await begin(alice);
      const url = `/api/sessions/${session.id}/items`;
      const answer = await rawPost(url, 'application/json', '{"variantId": ', tenant);
      expectError(answer, 400, 'INVALID_JSON');
      await expectVersion(alice, session.id, session.version);
    });

    it('answers 413 PAYLOAD_TOO_LARGE for a body over the limit', async () => {
      const channel = 'x'.repeat(http().system.config.bodyLimitBytes);
      const answer = await rawPost(
        '/api/sessions',
        'application/json',
        JSON.stringify({ channel }),
      );
      expectError(answer, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('answers 415 UNSUPPORTED_MEDIA_TYPE for a body that is not JSON', async () => {
      for (const type of ['application/xml', 'application/x-www-form-urlencoded']) {
        expectError(await rawPost('/api/sessions', type, '<a/>'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      }
    });

    // Regression: Fastify's built-in text/plain parser once let such a body through to
    // validation (400 VALIDATION_FAILED) instead of the README's 415.
    it('answers 415 UNSUPPORTED_MEDIA_TYPE for a text/plain body', async () => {
      const answer = await rawPost('/api/sessions', 'text/plain', 'hello');
      expectError(answer, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers 404 ROUTE_NOT_FOUND for an unknown route', async () => {
      for (const url of ['/api/nowhere', '/nowhere']) {
        expectError(await get(url, good()), 404, 'ROUTE_NOT_FOUND');
      }
    });
  });
});
