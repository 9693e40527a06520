import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  describeInBrowser,
  expectAccessible,
  openListening,
  screenshot,
} from '../support/browser.ts';
import type { HttpHarness } from '../support/http.ts';
import { orderStatus, paymentRows, placeOne, shop } from '../support/payments.ts';
import { freePort } from '../support/ports.ts';
import { describeEachStore } from '../support/stores.ts';

/** Seconds shown by the countdown, `mm:ss`. */
async function countdownSeconds(page: Page): Promise<number> {
  const text = (await page.locator('#countdown').textContent()) ?? '';
  const match = /^(\d\d):(\d\d)$/.exec(text.trim());
  if (!match) throw new Error(`countdown shows "${text}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Marks the page's document, so that a test can tell it was not reloaded. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
  });
}
async function stillSameDocument(page: Page): Promise<boolean> {
  return page.evaluate(
    () => (globalThis as unknown as { notReloaded?: boolean }).notReloaded === true,
  );
}

describeInBrowser('buyer payment page in Chromium', (browser: () => Browser) => {
  describeEachStore('payment page', (store) => {
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
      await screenshot(page, `pay-${test.task.name}-${h.system.store.kind}`).catch(() => {});
      await context.close();
    });

    async function newOrder() {
      const { tenant, variant } = await shop(h);
      const placed = await placeOne(h, tenant, 'alice', [[variant, 2]]);
      const url = placed.payment.paymentUrl ?? '';
      expect(url).toMatch(new RegExp(`^${h.base}/pay/${placed.orderId}\\?t=`));
      return { tenant, ...placed, url };
    }

    it('counts down from the server time and turns to expired by itself', async () => {
      const order = await newOrder();
      h.clock.advanceMinutes(15 - 5 / 60); // 5 seconds left on the server's clock
      await page.goto(order.url);
      await markDocument(page);
      const first = await countdownSeconds(page);
      expect(first).toBeGreaterThanOrEqual(3);
      expect(first).toBeLessThanOrEqual(5);
      await expect.poll(() => countdownSeconds(page), { timeout: 5000 }).toBeLessThan(first);
      await expectAccessible(page);
      h.clock.advanceMinutes(1); // the window has closed on the server
      await page.locator('#panel[data-state="expired"]').waitFor({ timeout: 10_000 });
      expect(await page.locator('#state-message').textContent()).toContain('create a new order');
      expect(await page.locator('#countdown').count()).toBe(0);
      expect(await page.locator('#pay').count()).toBe(0);
      expect(await stillSameDocument(page)).toBe(true);
    });

    it("shows the server's time left when the buyer's clock is an hour wrong", async () => {
      const order = await newOrder();
      await page.addInitScript(() => {
        const RealDate = Date;
        const offset = 3_600_000;
        class ShiftedDate extends RealDate {
          constructor(...args: []) {
            if (args.length === 0) super(RealDate.now() + offset);
            else super(...args);
          }
          static override now() {
            return RealDate.now() + offset;
          }
        }
        globalThis.Date = ShiftedDate as DateConstructor;
      });
      await page.goto(order.url);
      const buyerSkew = await page.evaluate(
        () => Date.now() - performance.timeOrigin - performance.now(),
      );
      expect(buyerSkew).toBeGreaterThan(3_500_000); // the page's clock really is an hour ahead
      await page.waitForTimeout(1600); // past a poll: still the server's time
      const shown = await countdownSeconds(page);
      expect(shown).toBeGreaterThan(14 * 60 + 50);
      expect(shown).toBeLessThanOrEqual(15 * 60);
    });

    it('after a failed payment, Retry starts attempt 2', async () => {
      const order = await newOrder();
      await page.goto(order.url);
      expect(await page.locator('#attempts').textContent()).toContain('Attempt 1 of 3');
      await page.locator('#pay').click();
      await page.locator('#sandbox-page').waitFor();
      await expectAccessible(page);
      await page.locator('#sandbox-fail').click();
      await page.locator('#panel[data-state="failed"]').waitFor();
      expect(new URL(page.url()).pathname).toBe(`/pay/${order.orderId}`);
      await expectAccessible(page);
      await page.locator('#retry').click();
      await page.locator('#panel[data-state="awaiting"]').waitFor();
      expect(await page.locator('#attempts').textContent()).toContain('Attempt 2 of 3');
      expect(await page.locator('#pay').getAttribute('href')).toMatch(/\/sandbox\/pay\//);
      const rows = await paymentRows(h.system.store.db, order.tenant, order.orderId);
      expect(rows.map((row) => [row.attempt, row.status])).toEqual([
        [1, 'failed'],
        [2, 'pending'],
      ]);
    });

    it('turns to paid without a reload when the payment succeeds elsewhere', async () => {
      const order = await newOrder();
      await page.goto(order.url);
      await markDocument(page);
      const provider = await context.newPage();
      await provider.goto((await page.locator('#pay').getAttribute('href')) ?? '');
      await provider.locator('#sandbox-pay').click();
      await page.locator('#panel[data-state="paid"]').waitFor({ timeout: 10_000 });
      expect(await page.locator('#state-message').textContent()).toContain('Paid');
      expect(await page.locator('.receipt').isVisible()).toBe(true);
      expect(await stillSameDocument(page)).toBe(true);
      expect(await orderStatus(h.system.store.db, order.tenant, order.orderId)).toBe('paid');
      await expectAccessible(page);
      await provider.close();
    });

    it('answers a tampered or foreign link with the invalid-link page', async () => {
      const order = await newOrder();
      const other = await newOrder();
      const token = new URL(order.url).searchParams.get('t') ?? '';
      const last = token.at(-1) === 'A' ? 'B' : 'A';
      const tampered = `${h.base}/pay/${order.orderId}?t=${token.slice(0, -1)}${last}`;
      const foreign = `${h.base}/pay/${other.orderId}?t=${token}`;
      const otherTenant = `${h.base}/pay/${order.orderId}?t=${token.replace(/^[^.]+/, 'demo')}`;
      for (const url of [tampered, foreign, otherTenant, `${h.base}/pay/${order.orderId}`]) {
        const response = await page.goto(url);
        expect(response?.status(), url).toBe(404);
        expect(await page.locator('#invalid-link h1').textContent()).toBe('This link is not valid');
        expect(await page.content()).not.toContain(order.orderNumber);
      }
      await expectAccessible(page);
    });

    it('speaks Vietnamese when the browser asks for vi', async () => {
      const order = await newOrder();
      await context.close();
      // On a phone's screen: the page must fit its width.
      context = await browser().newContext({
        locale: 'vi-VN',
        viewport: { width: 390, height: 844 },
      });
      page = await context.newPage();
      await page.goto(order.url);
      expect(await page.getAttribute('html', 'lang')).toBe('vi');
      expect(await page.locator('#state-message').textContent()).toBe('Đang chờ bạn thanh toán.');
      expect(await page.locator('#pay').textContent()).toContain('Thanh toán');
      expect(await page.locator('#attempts').textContent()).toContain('Lần thử 1/3');
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await expectAccessible(page);
    });
  });
});
