import { expect, it } from 'vitest';
import { testConfig, useHttpWith } from '../support/configured-http.ts';
import { ADMIN_KEY, type HttpHarness } from '../support/http.ts';
import { paymentRows, placeOne, sandbox, shop } from '../support/payments.ts';
import { describeEachStore } from '../support/stores.ts';

/** The console's session and the sandbox's Cancel, without a browser. */
describeEachStore('console and sandbox over HTTP', (store) => {
  const http = useHttpWith(store, () => testConfig());

  /** Signs in through the form; the cookies to send afterwards. */
  async function signIn(h: HttpHarness, tenant: string): Promise<string> {
    const login = await h.app.inject({ method: 'GET', url: '/admin/login' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.body)?.[1] ?? '';
    const jar = login.cookies.map((c) => `${c.name}=${c.value}`);
    const answer = await h.app.inject({
      method: 'POST',
      url: '/admin/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.join('; ') },
      payload: new URLSearchParams({ _csrf: csrf, key: ADMIN_KEY, tenant }).toString(),
    });
    expect(answer.statusCode).toBe(303);
    return [...jar, ...answer.cookies.map((c) => `${c.name}=${c.value}`)].join('; ');
  }
  const orders = (h: HttpHarness, cookie: string) =>
    h.app.inject({ method: 'GET', url: '/admin/orders', headers: { cookie } });

  it('ends a session after 8 hours, and ignores a session cookie changed by hand', async () => {
    const h = http();
    const { tenant } = await shop(h);
    const cookie = await signIn(h, tenant);
    expect((await orders(h, cookie)).statusCode).toBe(200);
    const forged = cookie.replace(/os_console=([^.;]+)\./, 'os_console=demo.');
    expect(forged).not.toBe(cookie);
    expect((await orders(h, forged)).headers.location).toMatch(/^\/admin\/login/);
    h.clock.advanceMinutes(8 * 60 + 1);
    expect((await orders(h, cookie)).headers.location).toMatch(/^\/admin\/login/);
  });

  it('limits sign-in attempts to 20 a minute from one address', async () => {
    const h = http();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const answer = await h.app.inject({
        method: 'POST',
        url: '/admin/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'key=guess',
      });
      statuses.push(answer.statusCode);
    }
    // Earlier tests of this file signed in from the same address within the minute.
    const refused = statuses.indexOf(429);
    expect(refused).toBeGreaterThan(15);
    expect(statuses.slice(0, refused).every((s) => s === 403)).toBe(true);
    expect(statuses.slice(refused).every((s) => s === 429)).toBe(true);
  });

  it('cancels on the sandbox page back to the order page, reporting nothing', async () => {
    const h = http();
    const { tenant, variant } = await shop(h);
    const { orderId, payment } = await placeOne(h, tenant, 'alice', [[variant, 1]]);
    const cancel = await h.app.inject({
      method: 'POST',
      url: `/sandbox/pay/${tenant}/${payment.paymentId}/cancel`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(cancel.statusCode).toBe(303);
    expect(cancel.headers.location).toMatch(new RegExp(`^/pay/${orderId}\\?t=${tenant}\\.`));
    expect((await paymentRows(h.system.store.db, tenant, orderId))[0]?.status).toBe('pending');
    const page = await sandbox(h, tenant, payment.paymentId);
    expect(page.body).toContain('id="sandbox-cancel"');
    expect(page.body).toContain(`href="/pay/${orderId}?t=`);
  });
});
