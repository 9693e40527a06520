import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeInBrowser, openListening, screenshot } from '../support/browser.ts';
import { GATEWAY_KEY, type HttpHarness } from '../support/http.ts';
import { describeEachStore } from '../support/stores.ts';

/** Ports of this file (4730, 4731: one per store); the other browser suites use 471x, 472x. */
let nextPort = 4730;

describeInBrowser('/api-docs in Chromium', (browser: () => Browser) => {
  describeEachStore('api docs', (store) => {
    let h: HttpHarness & { base: string };
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      h = await openListening(store(), nextPort++);
    });
    afterAll(async () => {
      await h?.close();
    });
    beforeEach(async () => {
      context = await browser().newContext();
      page = await context.newPage();
    });
    afterEach(async (test) => {
      await screenshot(page, `api-docs-${test.task.name}-${h.system.store.kind}`).catch(() => {});
      await context.close();
    });

    /** Fills one scheme of the Authorize dialog and authorizes it. */
    async function authorize(header: string, value: string) {
      const scheme = page.locator('.auth-container').filter({ hasText: header });
      await scheme.locator('input').fill(value);
      // Swagger UI labels it "Apply credentials".
      await scheme.locator('button.authorize').click();
    }

    /** Opens an operation, executes it as it is, and answers the status it got. */
    async function execute(method: string, path: string): Promise<string> {
      const operation = page.locator(`.opblock-${method}`).filter({
        has: page.locator(`[data-path="${path}"]`),
      });
      await operation.locator('.opblock-summary-path').first().click();
      await operation.getByRole('button', { name: 'Execute' }).click();
      const status = operation.locator('.live-responses-table tbody .response-col_status').first();
      await status.waitFor();
      return (await status.textContent())?.trim() ?? '';
    }

    it('lets an operator try an admin call once the headers are filled in under Authorize, and keeps them', async () => {
      await page.goto(`${h.base}/api-docs`);
      await page.getByRole('button', { name: 'Authorize' }).first().click();
      await authorize('x-gateway-key', GATEWAY_KEY);
      await authorize('x-user-id', 'ops-1');
      await authorize('x-user-role', 'admin');
      await authorize('x-tenant-id', 'demo');
      await page.getByRole('button', { name: 'Close' }).first().click();

      expect(await execute('get', '/api/admin/settings/pricing')).toBe('200');
      expect(await page.locator('.live-responses-table').first().textContent()).toContain(
        'taxRateBp',
      );

      // Filled in once: a reload keeps them (persistAuthorization).
      await page.reload();
      expect(await execute('get', '/api/admin/orders')).toBe('200');
    });
  });
});
