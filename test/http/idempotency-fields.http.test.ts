import { expect, it } from 'vitest';
import {
  admin,
  type CheckoutDto,
  call,
  checkoutBody,
  createProducts,
  gatewayHeaders,
  getProduct,
  type ProductDto,
  placeOrder,
  SHIP_TO,
  tenantRowCounts,
  useCheckoutApp,
} from '../support/checkout.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

/**
 * An idempotency key stands for one request. Whatever part of the checkout a client changes,
 * alone, under the same key, the server must refuse it rather than replay an order that is not
 * what the client now asks for; and the same request spelled differently (keys in another
 * order, other white space) is the same request and replays.
 */
describeEachStore('idempotency key covers every field of a checkout', (store) => {
  const opened = useCheckoutApp(store);
  const db = () => store().db;

  async function shopWithCoupon(tenant: string): Promise<[ProductDto, ProductDto]> {
    const { app } = opened();
    const [a, b] = await createProducts(
      app,
      tenant,
      { onHand: 50, priceCents: 1500 },
      { onHand: 50, priceCents: 800 },
    );
    if (!a || !b) throw new Error('no products');
    for (const code of ['TENOFF', 'FIVEOFF']) {
      const created = await call(app, admin(tenant), 'POST', '/api/admin/coupons', {
        code,
        kind: 'percent',
        percentBp: code === 'TENOFF' ? 1000 : 500,
      });
      expect(created.status).toBe(201);
    }
    return [a, b];
  }

  function baseBody(a: ProductDto, b: ProductDto): Record<string, unknown> {
    return checkoutBody(
      [
        [a, 2],
        [b, 1],
      ],
      {
        couponCode: 'TENOFF',
        paymentMethod: 'sandbox',
        paymentWindowMinutes: 20,
        customer: { email: 'ana@example.com', name: 'Ana' },
      },
    );
  }

  const changes: [string, (body: Record<string, unknown>, a: ProductDto, b: ProductDto) => void][] =
    [
      ['a line quantity', (body, a, b) => (body.items = [lineOf(a, 3), lineOf(b, 1)])],
      ['a line variant', (body, a) => (body.items = [lineOf(a, 2), lineOf(a, 1)])],
      ['a line removed', (body, a) => (body.items = [lineOf(a, 2)])],
      ['the address city', (body) => (body.shippingAddress = { ...SHIP_TO, city: 'Ogdenville' })],
      ['the address postcode', (body) => (body.shippingAddress = { ...SHIP_TO, postalCode: '1' })],
      ['the coupon', (body) => (body.couponCode = 'FIVEOFF')],
      ['the coupon removed', (body) => delete body.couponCode],
      ['the payment method removed', (body) => delete body.paymentMethod],
      ['the payment window', (body) => (body.paymentWindowMinutes = 25)],
      ['the customer email', (body) => (body.customer = { email: 'bo@example.com', name: 'Ana' })],
      ['the customer name', (body) => (body.customer = { email: 'ana@example.com', name: 'Bo' })],
    ];

  for (const [what, change] of changes) {
    it(`refuses the key reused with only ${what} changed, and writes nothing`, async () => {
      const { app } = opened();
      const tenant = newTenantId();
      const [a, b] = await shopWithCoupon(tenant);
      const first = await placeOrder(app, tenant, 'ana', baseBody(a, b), 'one-key');
      expect(first.status).toBe(201);
      const before = await tenantRowCounts(db(), tenant);

      const changed = baseBody(a, b);
      change(changed, a, b);
      const reused = await placeOrder(app, tenant, 'ana', changed, 'one-key');

      expect(reused.status).toBe(422);
      expect(reused.body.error).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await tenantRowCounts(db(), tenant)).toEqual(before);
      expect((await getProduct(app, tenant, a.id)).reserved).toBe(2);
    });
  }

  it('replays the same body sent with its keys in another order and other white space', async () => {
    const { app } = opened();
    const tenant = newTenantId();
    const [a, b] = await shopWithCoupon(tenant);
    const body = baseBody(a, b);
    const first = await placeOrder(app, tenant, 'ana', body, 'spelled-key');
    expect(first.status).toBe(201);
    const before = await tenantRowCounts(db(), tenant);

    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const spelled = JSON.stringify(reordered, null, 7).replaceAll(':', ' : ');
    const replay = await app.inject({
      method: 'POST',
      url: '/api/orders',
      headers: {
        ...gatewayHeaders(tenant, 'ana'),
        'content-type': 'application/json',
        'idempotency-key': 'spelled-key',
      },
      payload: spelled,
    });

    expect(replay.statusCode).toBe(200);
    const replayed = replay.json() as { data: CheckoutDto };
    expect(replayed.data.checkoutId).toBe(first.body.data.checkoutId);
    expect(await tenantRowCounts(db(), tenant)).toEqual(before);
  });
});

function lineOf(product: ProductDto, quantity: number) {
  return { variantId: product.id, quantity };
}
