import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  describeInBrowser,
  expectAccessible,
  openListening,
  screenshot,
} from '../support/browser.ts';
import { ADMIN_KEY, type HttpHarness } from '../support/http.ts';
import { orderStatus, outboxRows, placeOne, shop, stockOf } from '../support/payments.ts';
import { freePort } from '../support/ports.ts';
import { describeEachStore } from '../support/stores.ts';

const CONSOLE_PAGES = [
  '/admin',
  '/admin/orders',
  '/admin/products',
  '/admin/outbox',
  '/admin/pricing',
];

describeInBrowser('operator console in Chromium', (browser: () => Browser) => {
  describeEachStore('console', (store) => {
    let h: HttpHarness & { base: string };
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      h = await openListening(store(), await freePort());
    });
    afterAll(async () => {
      await h?.close();
    });
    beforeEach(async () => {
      context = await browser().newContext();
      page = await context.newPage();
    });
    afterEach(async (test) => {
      await screenshot(page, `console-${test.task.name}-${h.system.store.kind}`).catch(() => {});
      await context.close();
    });

    async function signIn(tenant: string, key = ADMIN_KEY) {
      await page.goto(`${h.base}/admin/login`);
      await page.getByLabel('Admin key').fill(key);
      await page.getByLabel('Tenant').fill(tenant);
      return Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]).then(([response]) => response);
    }

    /** A form post from the signed-in browser (its cookies), with the fields given. */
    function post(path: string, form: Record<string, string>) {
      return context.request.post(`${h.base}${path}`, { form, maxRedirects: 0 });
    }

    async function csrfToken(): Promise<string> {
      return (await page.locator('input[name="_csrf"]').first().getAttribute('value')) ?? '';
    }

    it('requires sign-in for every page and every action', async () => {
      const { tenant, variant } = await shop(h);
      const { orderId } = await placeOne(h, tenant, 'alice', [[variant, 1]]);
      for (const path of [...CONSOLE_PAGES, `/admin/orders/${orderId}`]) {
        await page.goto(`${h.base}${path}`);
        expect(new URL(page.url()).pathname, path).toBe('/admin/login');
      }
      await expectAccessible(page);
      for (const path of [
        `/admin/orders/${orderId}/status`,
        `/admin/products/${variant.id}/stock`,
        '/admin/pricing/settings',
      ]) {
        const answer = await post(path, { newStatus: 'cancelled', onHand: '1' });
        expect(answer.status(), path).toBe(401);
      }
      expect(await orderStatus(h.system.store.db, tenant, orderId)).toBe('awaiting_payment');
    });

    it('refuses a wrong key and signs in with the right one', async () => {
      const { tenant } = await shop(h);
      const refused = await signIn(tenant, 'not-the-admin-key-at-all');
      expect(refused?.status()).toBe(401);
      expect(await page.getByRole('alert').textContent()).toContain('Wrong admin key');
      await page.goto(`${h.base}/admin/orders`);
      expect(new URL(page.url()).pathname).toBe('/admin/login');
      const signedIn = await signIn(tenant);
      expect(signedIn?.status()).toBe(200);
      expect(new URL(page.url()).pathname).toBe('/admin/orders');
      const cookies = await context.cookies();
      const session = cookies.find((cookie) => cookie.name === 'os_console');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
      await expectAccessible(page);
    });

    it('filters orders by buyer, status and date, and pages through them', async () => {
      const { tenant, variant } = await shop(h, 50);
      const placed = [];
      for (const buyer of ['alice', 'bob', 'alice', 'bob', 'alice']) {
        placed.push({ buyer, ...(await placeOne(h, tenant, buyer, [[variant, 1]])) });
        h.clock.advanceMinutes(0.01);
      }
      const cancelled = placed[1];
      await h.system.lifecycle.cancel(
        { tenantId: tenant, userId: 'bob', role: 'user' },
        cancelled?.orderId ?? '',
      );
      await signIn(tenant);
      const rows = () =>
        page
          .locator('#orders tbody tr')
          .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-order-id')));

      await page.getByLabel('Buyer').fill('bob');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(/userId=bob/);
      expect(new Set(await rows())).toEqual(
        new Set(placed.filter((p) => p.buyer === 'bob').map((p) => p.orderId)),
      );

      await page.goto(`${h.base}/admin/orders`);
      await page.getByLabel('Status').selectOption('cancelled');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(/status=cancelled/);
      expect(await rows()).toEqual([cancelled?.orderId]);

      const day = h.clock.now().toISOString().slice(0, 10);
      const nextDay = new Date(h.clock.now().getTime() + 86_400_000).toISOString().slice(0, 10);
      await page.goto(`${h.base}/admin/orders?from=${day}&to=${day}`);
      expect(await rows()).toHaveLength(5);
      await page.goto(`${h.base}/admin/orders?from=${nextDay}`);
      expect(await rows()).toEqual([]);

      await page.goto(`${h.base}/admin/orders?limit=2`);
      const seen: (string | null)[] = [];
      for (;;) {
        const pageRows = await rows();
        expect(pageRows.length).toBeLessThanOrEqual(2);
        seen.push(...pageRows);
        const next = page.locator('#next-page');
        if ((await next.count()) === 0) break;
        await Promise.all([page.waitForNavigation(), next.click()]);
      }
      expect(seen).toEqual(placed.map((p) => p.orderId).reverse());
      await expectAccessible(page);
    });

    it('changes a status with a button and shows it in the history', async () => {
      const { tenant, variant } = await shop(h);
      const { orderId } = await placeOne(h, tenant, 'alice', [[variant, 1]]);
      await signIn(tenant);
      await page.goto(`${h.base}/admin/orders/${orderId}`);
      const buttons = await page
        .locator('#status-form button[name="newStatus"]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('value')));
      expect(buttons).toEqual(['paid', 'cancelled', 'expired']);
      await expectAccessible(page);
      await page.getByLabel('Reason (optional)').fill('buyer called');
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: 'Mark cancelled' }).click(),
      ]);
      expect(await page.locator('#order-status').textContent()).toBe('cancelled');
      const history = await page.locator('#history-table tbody tr').last().textContent();
      expect(history).toContain('awaiting_payment');
      expect(history).toContain('cancelled');
      expect(history).toContain('admin console');
      expect(history).toContain('buyer called');
      expect(await page.locator('#status-form').count()).toBe(0);
      expect(await orderStatus(h.system.store.db, tenant, orderId)).toBe('cancelled');
      expect(await stockOf(h.system.store.db, tenant, variant.id)).toEqual({
        onHand: 10,
        reserved: 0,
      });
    });

    it('offers no button for a status the lifecycle forbids and refuses a forged post for it', async () => {
      const { tenant, variant } = await shop(h);
      const { orderId } = await placeOne(h, tenant, 'alice', [[variant, 1]]);
      await signIn(tenant);
      await page.goto(`${h.base}/admin/orders/${orderId}`);
      expect(await page.locator('button[value="delivered"]').count()).toBe(0);
      const forged = await post(`/admin/orders/${orderId}/status`, {
        _csrf: await csrfToken(),
        newStatus: 'delivered',
      });
      expect(forged.status()).toBe(409);
      expect(await forged.text()).toContain('INVALID_TRANSITION');
      // The same from the page itself, with a button added by hand.
      await page.evaluate(() => {
        const button = document.createElement('button');
        Object.assign(button, { type: 'submit', name: 'newStatus', value: 'delivered' });
        button.textContent = 'Forged';
        document.querySelector('#status-form .actions')?.append(button);
      });
      const [refused] = await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: 'Forged' }).click(),
      ]);
      expect(refused?.status()).toBe(409);
      expect(await page.getByRole('alert').textContent()).toContain('INVALID_TRANSITION');
      await expectAccessible(page);
      expect(await orderStatus(h.system.store.db, tenant, orderId)).toBe('awaiting_payment');
    });

    it('refuses posts without a valid CSRF token', async () => {
      const { tenant, variant } = await shop(h);
      const { orderId } = await placeOne(h, tenant, 'alice', [[variant, 1]]);
      await signIn(tenant);
      await page.goto(`${h.base}/admin/orders/${orderId}`);
      const token = await csrfToken();
      const forms: Record<string, string>[] = [
        { newStatus: 'cancelled' },
        { newStatus: 'cancelled', _csrf: '' },
        { newStatus: 'cancelled', _csrf: `${token.slice(0, -2)}xx` },
      ];
      for (const form of forms) {
        const answer = await post(`/admin/orders/${orderId}/status`, form);
        expect(answer.status(), JSON.stringify(form)).toBe(403);
      }
      // A form whose token was taken out, sent by the browser: the refusal is a page.
      await page.evaluate(() =>
        document.querySelector('#status-form input[name="_csrf"]')?.remove(),
      );
      const [refused] = await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: 'Mark cancelled' }).click(),
      ]);
      expect(refused?.status()).toBe(403);
      expect(await page.locator('#error-page h1').textContent()).toContain(
        'did not come from this site',
      );
      await expectAccessible(page);
      expect((await post(`/admin/products/${variant.id}/stock`, { onHand: '3' })).status()).toBe(
        403,
      );
      expect((await post('/admin/pricing/settings', { taxRateBp: '0' })).status()).toBe(403);
      expect(await orderStatus(h.system.store.db, tenant, orderId)).toBe('awaiting_payment');
      expect(await stockOf(h.system.store.db, tenant, variant.id)).toEqual({
        onHand: 10,
        reserved: 1,
      });
    });

    it('sets stock, unparks an event, saves pricing and creates a coupon', async () => {
      const { tenant, variant } = await shop(h);
      const { orderId } = await placeOne(h, tenant, 'alice', [[variant, 2]]);
      await signIn(tenant);

      await page.goto(`${h.base}/admin/products`);
      expect(await page.locator(`tr[data-sku="${variant.sku}"]`).textContent()).toContain('2');
      await expectAccessible(page);
      await page.getByLabel(`On hand for ${variant.sku}`).fill('7');
      await Promise.all([
        page.waitForNavigation(),
        page.locator(`tr[data-sku="${variant.sku}"] button`).click(),
      ]);
      expect(await stockOf(h.system.store.db, tenant, variant.id)).toEqual({
        onHand: 7,
        reserved: 2,
      });

      const [event] = await outboxRows(h.system.store.db, tenant, orderId);
      expect(event).toBeDefined();
      await sql`UPDATE outbox SET parked_at = now(), attempts = 10, last_error = 'consumer down'
        WHERE tenant_id = ${tenant} AND aggregate_id = ${orderId}`.execute(h.system.store.db);
      await page.goto(`${h.base}/admin/outbox`);
      const parked = page.locator('#parked tbody tr');
      const count = await parked.count();
      expect(count).toBeGreaterThan(0);
      await expectAccessible(page);
      await Promise.all([page.waitForNavigation(), parked.first().getByRole('button').click()]);
      expect(await page.locator('#parked tbody tr').count()).toBe(count - 1);

      await page.goto(`${h.base}/admin/pricing`);
      await page.getByLabel('Tax (basis points)').fill('1000');
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: 'Save settings' }).click(),
      ]);
      const settings = await h.system.pricing.getSettings({
        tenantId: tenant,
        userId: 'x',
        role: 'admin',
      });
      expect(settings.ok && settings.value.taxRateBp).toBe(1000);
      await page.getByLabel('Code').fill('save10');
      await page.getByLabel('Percent (basis points)').fill('1000');
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: 'Create coupon' }).click(),
      ]);
      expect(await page.locator('#coupon-table').textContent()).toContain('SAVE10');
      await expectAccessible(page);
    });
  });
});
