import { expect, it } from 'vitest';
import {
  admin,
  type Caller,
  type CheckoutDto,
  call,
  checkoutBody,
  createProducts,
  getProduct,
  type OrderDto,
  type ProductDto,
  placeOrder,
  SHIP_TO,
  tenantRowCounts,
  useCheckoutApp,
} from '../support/checkout.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

interface SessionDto {
  id: string;
  state: string;
  submittedOrderIds: string[];
}
interface SubmitDto extends CheckoutDto {
  session: SessionDto;
}
interface OrderPage {
  items: OrderDto[];
  nextCursor: string | null;
}

const ids = (orders: readonly OrderDto[]) => orders.map((o) => o.id);

describeEachStore('orders and session submit over HTTP', (store) => {
  const opened = useCheckoutApp(store);
  const db = () => store().db;
  const get = <T>(caller: Caller, url: string) => call<T>(opened().app, caller, 'GET', url);

  /** A session of `user` with these lines, shipping and `sandbox` payment: READY_TO_SUBMIT. */
  async function readySession(
    tenant: string,
    user: string,
    lines: [ProductDto, number][],
    steps: 'items' | 'ready' = 'ready',
  ): Promise<string> {
    const { app } = opened();
    const caller = { tenant, user };
    const begun = await call<SessionDto>(app, caller, 'POST', '/api/sessions', {});
    expect(begun.status).toBe(201);
    const id = begun.body.data.id;
    for (const [product, quantity] of lines) {
      const added = await call(app, caller, 'POST', `/api/sessions/${id}/items`, {
        variantId: product.id,
        quantity,
      });
      expect(added.status).toBe(200);
    }
    if (steps === 'items') return id;
    const shipped = await call(app, caller, 'PUT', `/api/sessions/${id}/shipping`, {
      shippingAddress: SHIP_TO,
    });
    expect(shipped.status).toBe(200);
    const payment = await call<SessionDto>(
      app,
      caller,
      'PUT',
      `/api/sessions/${id}/payment-method`,
      {
        paymentMethod: 'sandbox',
      },
    );
    expect(payment.body.data.state).toBe('READY_TO_SUBMIT');
    return id;
  }

  const submit = (tenant: string, user: string, id: string) =>
    call<SubmitDto>(opened().app, { tenant, user }, 'POST', `/api/sessions/${id}/submit`);

  async function twoSellerProducts(tenant: string, onHand = 10) {
    const [brand, seller] = await createProducts(
      opened().app,
      tenant,
      { sellerId: null, onHand },
      { sellerId: 'seller-s', onHand },
    );
    if (!brand || !seller) throw new Error('no products');
    return { brand, seller };
  }

  it('places the orders of a ready session and marks it SUBMITTED with their ids', async () => {
    const tenant = newTenantId();
    const { brand, seller } = await twoSellerProducts(tenant);
    const id = await readySession(tenant, 'kim', [
      [brand, 2],
      [seller, 1],
    ]);
    const submitted = await submit(tenant, 'kim', id);
    expect(submitted.status).toBe(200);
    const { session, orders, checkoutId } = submitted.body.data;
    expect(orders.map((o) => [o.sellerId, o.items.map((i) => [i.sku, i.quantity])])).toEqual([
      [null, [[brand.sku, 2]]],
      ['seller-s', [[seller.sku, 1]]],
    ]);
    for (const order of orders) {
      expect(order).toMatchObject({ checkoutId, userId: 'kim', paymentMethod: 'sandbox' });
    }
    expect(session).toMatchObject({ id, state: 'SUBMITTED', submittedOrderIds: ids(orders) });
    const reread = await get<SessionDto>({ tenant, user: 'kim' }, `/api/sessions/${id}`);
    expect(reread.body.data).toMatchObject({ state: 'SUBMITTED', submittedOrderIds: ids(orders) });
    expect((await getProduct(opened().app, tenant, brand.id)).reserved).toBe(2);
    expect((await getProduct(opened().app, tenant, seller.id)).reserved).toBe(1);
  });

  it('answers a retried submit with the same checkout and orders and creates nothing more', async () => {
    const tenant = newTenantId();
    const { brand, seller } = await twoSellerProducts(tenant);
    const id = await readySession(tenant, 'lee', [
      [brand, 1],
      [seller, 3],
    ]);
    const first = await submit(tenant, 'lee', id);
    expect(first.status).toBe(200);
    const before = await tenantRowCounts(db(), tenant);
    const again = await submit(tenant, 'lee', id);
    expect(again.status).toBe(200);
    expect(again.body.data.checkoutId).toBe(first.body.data.checkoutId);
    expect(again.body.data.orders).toEqual(first.body.data.orders);
    expect(again.body.data.session.submittedOrderIds).toEqual(ids(first.body.data.orders));
    expect(await tenantRowCounts(db(), tenant)).toEqual(before);
    expect(before.orders).toBe(2);
    expect((await getProduct(opened().app, tenant, seller.id)).reserved).toBe(3);
  });

  it('answers a submit retried after the key retention with the same orders', async () => {
    const { clock } = opened();
    const tenant = newTenantId();
    const { brand } = await twoSellerProducts(tenant);
    const id = await readySession(tenant, 'max', [[brand, 1]]);
    const first = await submit(tenant, 'max', id);
    expect(first.status).toBe(200);
    const start = clock.now();
    clock.advanceMinutes(25 * 60);
    try {
      const again = await submit(tenant, 'max', id);
      expect((await tenantRowCounts(db(), tenant)).orders).toBe(1);
      expect(again.body.data.checkoutId).toBe(first.body.data.checkoutId);
    } finally {
      clock.set(start);
    }
  });

  it('refuses to submit a session that is not ready with 409 INVALID_TRANSITION and places nothing', async () => {
    const tenant = newTenantId();
    const { brand } = await twoSellerProducts(tenant);
    const id = await readySession(tenant, 'ned', [[brand, 1]], 'items');
    const refused = await submit(tenant, 'ned', id);
    expect([refused.status, refused.body.error]).toEqual([409, 'INVALID_TRANSITION']);
    expect((await tenantRowCounts(db(), tenant)).orders).toBe(0);
    const reread = await get<SessionDto>({ tenant, user: 'ned' }, `/api/sessions/${id}`);
    expect(reread.body.data.state).toBe('COLLECTING_SHIPPING');
  });

  it('hides another user’s session from submit with 404 SESSION_NOT_FOUND', async () => {
    const tenant = newTenantId();
    const { brand } = await twoSellerProducts(tenant);
    const id = await readySession(tenant, 'owner', [[brand, 1]]);
    const refused = await submit(tenant, 'intruder', id);
    expect([refused.status, refused.body.error]).toEqual([404, 'SESSION_NOT_FOUND']);
    const elsewhere = await submit(newTenantId(), 'owner', id);
    expect([elsewhere.status, elsewhere.body.error]).toEqual([404, 'SESSION_NOT_FOUND']);
    expect((await tenantRowCounts(db(), tenant)).orders).toBe(0);
  });

  it('keeps a session READY_TO_SUBMIT and writes nothing when its stock ran out', async () => {
    const tenant = newTenantId();
    const { brand, seller } = await twoSellerProducts(tenant, 2);
    const id = await readySession(tenant, 'oli', [
      [brand, 1],
      [seller, 2],
    ]);
    const rival = await placeOrder(opened().app, tenant, 'rival', checkoutBody([[seller, 1]]), 'r');
    expect(rival.status).toBe(201);
    const refused = await submit(tenant, 'oli', id);
    expect([refused.status, refused.body.error]).toEqual([409, 'INSUFFICIENT_STOCK']);
    expect(refused.body.details).toMatchObject({ sku: seller.sku, requested: 2, available: 1 });
    const reread = await get<SessionDto>({ tenant, user: 'oli' }, `/api/sessions/${id}`);
    expect(reread.body.data).toMatchObject({ state: 'READY_TO_SUBMIT', submittedOrderIds: [] });
    expect((await getProduct(opened().app, tenant, brand.id)).reserved).toBe(0);
    expect((await tenantRowCounts(db(), tenant)).orders).toBe(1);
  });

  /** alice: three checkouts (4 orders); bob: one. Orders in the order they were created. */
  async function seedOrders() {
    const tenant = newTenantId();
    const { app } = opened();
    const [brand, a, b] = await createProducts(
      app,
      tenant,
      { sellerId: null },
      { sellerId: 'seller-a' },
      { sellerId: 'seller-b' },
    );
    if (!brand || !a || !b) throw new Error('no products');
    const plans: [string, [ProductDto, number][]][] = [
      [
        'alice',
        [
          [brand, 1],
          [a, 1],
        ],
      ],
      ['alice', [[b, 2]]],
      ['bob', [[a, 1]]],
      ['alice', [[brand, 3]]],
    ];
    const orders: OrderDto[] = [];
    for (const [i, [user, lines]] of plans.entries()) {
      const placed = await placeOrder(app, tenant, user, checkoutBody(lines), `seed-${i}`);
      expect(placed.status).toBe(201);
      orders.push(...placed.body.data.orders);
    }
    return { tenant, orders };
  }

  it('lets a buyer read their order by id and by number, and answers 404 to anyone else', async () => {
    const { tenant, orders } = await seedOrders();
    const mine = orders.find((o) => o.userId === 'alice');
    if (!mine) throw new Error('no order');
    const alice = { tenant, user: 'alice' };
    const byId = await get<OrderDto>(alice, `/api/orders/${mine.id}`);
    expect([byId.status, byId.body.data]).toEqual([200, mine]);
    const byNumber = await get<OrderDto>(alice, `/api/orders/number/${mine.orderNumber}`);
    expect([byNumber.status, byNumber.body.data]).toEqual([200, mine]);

    const strangers: Caller[] = [
      { tenant, user: 'bob' },
      { tenant: newTenantId(), user: 'alice' },
      { tenant: newTenantId(), user: 'alice', role: 'admin' },
      { tenant, user: 'seller-b', role: 'seller' },
    ];
    for (const stranger of strangers) {
      for (const url of [`/api/orders/${mine.id}`, `/api/orders/number/${mine.orderNumber}`]) {
        const hidden = await get(stranger, url);
        expect([hidden.status, hidden.body.error], `${JSON.stringify(stranger)} ${url}`).toEqual([
          404,
          'ORDER_NOT_FOUND',
        ]);
      }
    }
    const staff = await get<OrderDto>(admin(tenant), `/api/orders/${mine.id}`);
    expect(staff.body.data).toEqual(mine);
  });

  it('lists a buyer only their own orders and refuses a filter by someone else with 403', async () => {
    const { tenant, orders } = await seedOrders();
    const listed = await get<OrderPage>({ tenant, user: 'alice' }, '/api/orders?limit=100');
    const expected = orders.filter((o) => o.userId === 'alice').reverse();
    expect(ids(listed.body.data.items)).toEqual(ids(expected));
    const own = await get<OrderPage>({ tenant, user: 'alice' }, '/api/orders?userId=alice');
    expect(own.body.data.items).toHaveLength(4);
    const other = await get({ tenant, user: 'alice' }, '/api/orders?userId=bob');
    expect([other.status, other.body.error]).toEqual([403, 'FORBIDDEN']);
    const nobody = await get<OrderPage>({ tenant: newTenantId(), user: 'alice' }, '/api/orders');
    expect(nobody.body.data).toEqual({ items: [], nextCursor: null });
  });

  it('lets an admin filter the orders of a tenant by userId, sellerId and status', async () => {
    const { tenant, orders } = await seedOrders();
    const list = async (query: string) =>
      ids((await get<OrderPage>(admin(tenant), `/api/orders?limit=100&${query}`)).body.data.items);
    const newestFirst = [...orders].reverse();
    expect(await list('')).toEqual(ids(newestFirst));
    expect(await list('userId=bob')).toEqual(ids(newestFirst.filter((o) => o.userId === 'bob')));
    expect(await list('sellerId=seller-a')).toEqual(
      ids(newestFirst.filter((o) => o.sellerId === 'seller-a')),
    );
    const target = orders[1];
    if (!target) throw new Error('no order');
    const initial = target.status;
    const moved = initial === 'processing' ? 'shipped' : 'processing';
    await db()
      .updateTable('orders')
      .set({ status: moved })
      .where('tenant_id', '=', tenant)
      .where('id', '=', target.id)
      .execute();
    expect(await list(`status=${moved}`)).toEqual([target.id]);
    expect(await list(`status=${initial}`)).toEqual(
      ids(newestFirst.filter((o) => o.id !== target.id)),
    );
    expect(await list(`status=${moved}&userId=bob`)).toEqual([]);
    const bad = await get(admin(tenant), '/api/orders?status=lost');
    expect(bad.status).toBe(400);
  });

  it('shows a seller only the orders of their seller id', async () => {
    const { tenant, orders } = await seedOrders();
    const seller = { tenant, user: 'seller-a', role: 'seller' as const };
    const listed = await get<OrderPage>(seller, '/api/orders?limit=100');
    const theirs = orders.filter((o) => o.sellerId === 'seller-a');
    expect(theirs).toHaveLength(2);
    expect(ids(listed.body.data.items)).toEqual(ids([...theirs].reverse()));
    const own = theirs[0];
    const notTheirs = orders.find((o) => o.sellerId !== 'seller-a');
    if (!own || !notTheirs) throw new Error('no orders');
    expect((await get<OrderDto>(seller, `/api/orders/${own.id}`)).body.data).toEqual(own);
    const hidden = await get(seller, `/api/orders/${notTheirs.id}`);
    expect([hidden.status, hidden.body.error]).toEqual([404, 'ORDER_NOT_FOUND']);
    const filtered = await get(seller, '/api/orders?sellerId=seller-b');
    expect([filtered.status, filtered.body.error]).toEqual([403, 'FORBIDDEN']);
  });

  it('walks all orders exactly once, newest first, two at a time, with a bounded page size', async () => {
    const { tenant, orders } = await seedOrders();
    const seen: string[] = [];
    let url = '/api/orders?limit=2';
    let pages = 0;
    for (; pages < 10; pages++) {
      const answer = await get<OrderPage>(admin(tenant), url);
      expect(answer.body.data.items.length).toBeLessThanOrEqual(2);
      seen.push(...ids(answer.body.data.items));
      const cursor = answer.body.data.nextCursor;
      if (cursor === null) break;
      url = `/api/orders?limit=2&before=${cursor}`;
    }
    expect(seen).toEqual(ids([...orders].reverse()));
    expect([orders.length, pages + 1]).toEqual([5, 3]);
    const whole = await get<OrderPage>(admin(tenant), '/api/orders?limit=5');
    expect(whole.body.data).toMatchObject({ nextCursor: null });
    expect(ids(whole.body.data.items)).toEqual(seen);
    for (const limit of [0, 101]) {
      const refused = await get(admin(tenant), `/api/orders?limit=${limit}`);
      expect([refused.status, refused.body.error]).toEqual([400, 'VALIDATION_FAILED']);
    }
  });

  it('refuses stock below what is reserved with 409 STOCK_BELOW_RESERVED and allows it at or above', async () => {
    const tenant = newTenantId();
    const { app } = opened();
    const [p] = await createProducts(app, tenant, { onHand: 10 });
    if (!p) throw new Error('no product');
    expect((await placeOrder(app, tenant, 'pat', checkoutBody([[p, 4]]), 's-1')).status).toBe(201);
    const setStock = (onHand: number, caller: Caller = admin(tenant)) =>
      call<Omit<ProductDto, 'available'> & { available: boolean }>(
        app,
        caller,
        'PUT',
        `/api/admin/variants/${p.id}/stock`,
        { onHand },
      );

    const below = await setStock(3);
    expect([below.status, below.body.error]).toEqual([409, 'STOCK_BELOW_RESERVED']);
    expect(await getProduct(app, tenant, p.id)).toMatchObject({ onHand: 10, reserved: 4 });

    const atReserved = await setStock(4);
    expect(atReserved.status).toBe(200);
    expect(atReserved.body.data).toMatchObject({ onHand: 4, reserved: 4, available: false });
    const above = await setStock(25);
    expect(above.body.data).toMatchObject({ onHand: 25, reserved: 4, available: true });

    for (const role of ['user', 'seller'] as const) {
      const forbidden = await setStock(100, { tenant, user: 'pat', role });
      expect([forbidden.status, forbidden.body.error]).toEqual([403, 'FORBIDDEN']);
    }
    expect((await getProduct(app, tenant, p.id)).onHand).toBe(25);
    const elsewhere = await setStock(5, admin(newTenantId()));
    expect([elsewhere.status, elsewhere.body.error]).toEqual([404, 'VARIANT_NOT_FOUND']);
  });
});
