import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { SqlStore } from '../../src/store/sql/database.ts';
import { testConfig } from './configured-http.ts';
import { type HttpHarness, openHttp } from './http.ts';

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Screenshots of every browser test; not committed (.gitignore). */
export const ARTIFACTS_DIR = join(import.meta.dirname, '../../test-artifacts/browser');

/**
 * A browser suite: one headless Chromium per file, with a fresh profile, shared by its tests.
 * Without Chromium the suite is reported as skipped with the reason in its name; with CI=true
 * it fails instead.
 */
export function describeInBrowser(name: string, suite: (browser: () => Browser) => void): void {
  if (!existsSync(CHROMIUM_PATH) && !process.env.CI) {
    describe.skip(`${name} [browser skipped: no Chromium at ${CHROMIUM_PATH}; apt-get install chromium]`, () => {
      suite(() => {
        throw new Error('skipped');
      });
    });
    return;
  }
  describe(name, () => {
    let browser: Browser | undefined;
    beforeAll(async () => {
      if (!existsSync(CHROMIUM_PATH)) {
        throw new Error(`CI requires Chromium at ${CHROMIUM_PATH}: apt-get install chromium`);
      }
      // launch() uses a new temporary profile each time: nothing carries over between runs.
      browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
    });
    afterAll(async () => {
      await browser?.close();
    });
    suite(() => {
      if (!browser) throw new Error('browser not launched yet');
      return browser;
    });
  });
}

/**
 * The HTTP harness listening on a real port (the browser needs one), with payment links that
 * point at it (`freePort()`: the links need the port before the server listens).
 */
export async function openListening(
  store: SqlStore,
  port: number,
): Promise<HttpHarness & { base: string }> {
  const base = `http://127.0.0.1:${port}`;
  const harness = await openHttp(
    store,
    testConfig({
      publicBaseUrl: base,
      port,
      rateLimits: { ordersPerMinute: 0, retriesPerMinute: 0 },
    }),
    { webhookSecret: 'browser-webhook-secret-0123456789' },
  );
  await harness.app.listen({ port, host: '127.0.0.1' });
  return { ...harness, base };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({
    path: join(ARTIFACTS_DIR, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`),
    fullPage: true,
  });
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown }[];
}

/** Runs axe-core in the page; fails on any serious or critical violation, naming them. */
export async function expectAccessible(page: Page): Promise<void> {
  // Evaluated through the DevTools protocol, so the page's script policy does not block it.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } })
      .axe;
    return (await axe.run()).violations;
  });
  const serious = (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
    );
  expect(serious, `accessibility of ${page.url()}`).toEqual([]);
}
