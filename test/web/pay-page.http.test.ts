import { expect, it } from 'vitest';
import { testConfig, useHttpWith } from '../support/configured-http.ts';
import type { HttpHarness } from '../support/http.ts';
import { notify, paymentRows, placeOne, retryPayment, shop } from '../support/payments.ts';
import { describeEachStore } from '../support/stores.ts';

/** The payment page's server side, without a browser: states, refusals, headers. */
describeEachStore('payment page over HTTP', (store) => {
  const http = useHttpWith(store, () =>
    testConfig({ rateLimits: { ordersPerMinute: 0, retriesPerMinute: 0 } }),
  );

  async function order(h: HttpHarness) {
    const { tenant, variant } = await shop(h);
    const placed = await placeOne(h, tenant, 'alice', [[variant, 1]]);
    const url = new URL(placed.payment.paymentUrl ?? '');
    return {
      tenant,
      ...placed,
      path: `${url.pathname}${url.search}`,
      token: url.searchParams.get('t') ?? '',
    };
  }
  const get = (h: HttpHarness, url: string, language = 'en') =>
    h.app.inject({ method: 'GET', url, headers: { 'accept-language': language } });
  const retryForm = (h: HttpHarness, orderId: string, body: string, language = 'en') =>
    h.app.inject({
      method: 'POST',
      url: `/pay/${orderId}/retry`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': language },
      payload: body,
    });

  it('shows "attempts used up" after the last attempt fails, with no retry', async () => {
    const h = http();
    const o = await order(h);
    await notify(h, o.tenant, o.payment.paymentId, 'failed');
    for (let attempt = 2; attempt <= 3; attempt++) {
      const retried = await retryPayment(h, o.tenant, o.orderId, 'alice');
      expect(retried.status).toBe(200);
      await notify(h, o.tenant, retried.body.data.payment.paymentId, 'failed');
    }
    const page = await get(h, o.path);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-state="attempts_used_up"');
    expect(page.body).toContain('Every payment attempt has been used');
    expect(page.body).not.toContain('id="retry"');
    const refused = await retryForm(h, o.orderId, `t=${o.token}`, 'vi');
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Bạn đã dùng hết số lần thanh toán.');
    expect(await paymentRows(h.system.store.db, o.tenant, o.orderId)).toHaveLength(3);
  });

  it('refuses a retry whose token is missing from the form or not for this order', async () => {
    const h = http();
    const o = await order(h);
    const other = await order(h);
    await notify(h, o.tenant, o.payment.paymentId, 'failed');
    for (const [what, answer] of [
      [
        'token only in the query',
        await h.app.inject({ method: 'POST', url: `/pay/${o.orderId}/retry?t=${o.token}` }),
      ],
      ['no token', await retryForm(h, o.orderId, '')],
      ["another order's token", await retryForm(h, o.orderId, `t=${other.token}`)],
    ] as const) {
      expect(answer.statusCode, what).toBe(404);
      expect(answer.body, what).toContain('This link is not valid');
    }
    expect(await paymentRows(h.system.store.db, o.tenant, o.orderId)).toHaveLength(1);
    const retried = await retryForm(h, o.orderId, `t=${o.token}`);
    expect(retried.statusCode).toBe(303);
    expect(retried.headers.location).toBe(o.path);
    expect(await paymentRows(h.system.store.db, o.tenant, o.orderId)).toHaveLength(2);
  });

  it('answers the poll with the server time and state, and nothing for a bad token', async () => {
    const h = http();
    const o = await order(h);
    h.clock.advanceMinutes(10);
    const state = await get(h, `/pay/${o.orderId}/state?t=${o.token}`);
    expect(state.statusCode).toBe(200);
    expect(state.json()).toMatchObject({
      valid: true,
      state: 'awaiting',
      now: h.clock.now().toISOString(),
      secondsLeft: 300,
    });
    const bad = await get(h, `/pay/${o.orderId}/state?t=${o.token.slice(0, -1)}x`);
    expect(bad.statusCode).toBe(404);
    expect(bad.json()).toEqual({ valid: false });
    h.clock.advanceMinutes(6);
    expect((await get(h, `/pay/${o.orderId}/state?t=${o.token}`)).json()).toMatchObject({
      state: 'expired',
      secondsLeft: 0,
    });
  });

  it('sends the pages with a strict content policy and no referrer', async () => {
    const h = http();
    const o = await order(h);
    for (const url of [o.path, `/pay/${o.orderId}?t=bad`, '/admin/login']) {
      const page = await get(h, url);
      expect(page.headers['content-security-policy'], url).toContain("script-src 'self'");
      expect(page.headers['referrer-policy'], url).toBe('no-referrer');
      expect(page.headers['x-frame-options'], url).toBe('DENY');
    }
    const css = await get(h, '/static/style.css');
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });
});
