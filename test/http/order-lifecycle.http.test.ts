import { describe, expect, it } from 'vitest';
import type { OrderDto } from '../support/checkout.ts';
import { useHttp } from '../support/http.ts';
import {
  eventPayloads,
  expectError,
  expiredOrder,
  getSession,
  type Lines,
  notify,
  orderStatus,
  outboxRows,
  paymentRows,
  placeOne,
  retryPayment,
  stockOf,
} from '../support/payments.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

const BUYER = 'buyer-1';
const ADMIN = 'admin-1';

interface HistoryDto {
  id: string;
  from: string | null;
  to: string;
  actorType: string;
  actorId: string;
  reason: string | null;
  at: string;
}
type Page = { items: OrderDto[]; nextCursor: string | null };

describeEachStore('order lifecycle over HTTP', (store) => {
  const http = useHttp(store);
  const db = () => store().db;
  const admin = (tenant: string) => http().as(tenant, ADMIN, 'admin');
  const buyer = (tenant: string, user = BUYER) => http().as(tenant, user);

  /** A new tenant with products of 10 units each (house brand unless a seller id is given). */
  async function shop(...sellers: (string | null)[]) {
    const tenant = newTenantId();
    const variants = await http().seedProducts(
      tenant,
      ...(sellers.length ? sellers : [null]).map((sellerId) => ({ onHand: 10, sellerId })),
    );
    return { tenant, variants };
  }
  async function shopOne() {
    const { tenant, variants } = await shop();
    const [variant] = variants;
    if (!variant) throw new Error('no variant');
    return { tenant, variant };
  }
  const place = (tenant: string, lines: Lines, user = BUYER) =>
    placeOne(http(), tenant, user, lines);
  async function paidOrder(tenant: string, lines: Lines, user = BUYER) {
    const placed = await place(tenant, lines, user);
    expect(await notify(http(), tenant, placed.payment.paymentId, 'succeeded')).toBe('paid');
    return placed;
  }
  const setStatus = (tenant: string, orderId: string, body: Record<string, unknown>) =>
    admin(tenant).put<OrderDto>(`/api/orders/${orderId}/status`, body);
  async function history(tenant: string, orderId: string) {
    const answer = await admin(tenant).get<HistoryDto[]>(`/api/orders/${orderId}/history`);
    expect(answer.status).toBe(200);
    return answer.body.data;
  }
  const moves = async (tenant: string, orderId: string) =>
    (await eventPayloads(db(), tenant, orderId, 'order.status_changed')).map((p) => [p.from, p.to]);
  /** What a refused change must leave untouched. */
  const snapshot = async (tenant: string, orderId: string) => ({
    status: await orderStatus(db(), tenant, orderId),
    history: (await history(tenant, orderId)).length,
    outbox: (await outboxRows(db(), tenant, orderId)).length,
  });

  it('walks an order from awaiting_payment to refunded, recording who, why and when for each step', async () => {
    const h = http();
    const { tenant, variant } = await shopOne();
    const placedAt = h.clock.now().toISOString();
    const { orderId, orderNumber, payment } = await place(tenant, [[variant, 2]]);
    h.clock.advanceMinutes(1);
    expect(await notify(h, tenant, payment.paymentId, 'succeeded')).toBe('paid');

    const steps = [
      ['processing', 'packing'],
      ['shipped', 'handed to carrier'],
      ['delivered', 'signed for'],
      ['completed', 'closed'],
    ] as const;
    for (const [newStatus, reason] of steps) {
      h.clock.advanceMinutes(1);
      const moved = await setStatus(tenant, orderId, { newStatus, reason });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect(moved.body.data.status).toBe(newStatus);
    }
    h.clock.advanceMinutes(1);
    const asked = await buyer(tenant).post<OrderDto>(`/api/orders/${orderId}/refund-request`, {
      reason: 'too small',
    });
    expect(asked.status).toBe(200);
    expect(asked.body.data.status).toBe('requested_refund');
    h.clock.advanceMinutes(1);
    const refunded = await setStatus(tenant, orderId, { newStatus: 'refunded' });
    expect(refunded.status).toBe(200);

    const rows = await history(tenant, orderId);
    const row = (r: HistoryDto) => [r.from, r.to, r.actorType, r.actorId, r.reason];
    expect(rows.map(row)).toEqual([
      [null, 'awaiting_payment', 'user', BUYER, 'placed'],
      ['awaiting_payment', 'paid', 'system', 'payment-provider', 'payment'],
      ['paid', 'processing', 'admin', ADMIN, 'packing'],
      ['processing', 'shipped', 'admin', ADMIN, 'handed to carrier'],
      ['shipped', 'delivered', 'admin', ADMIN, 'signed for'],
      ['delivered', 'completed', 'admin', ADMIN, 'closed'],
      ['completed', 'requested_refund', 'user', BUYER, 'too small'],
      ['requested_refund', 'refunded', 'admin', ADMIN, null],
    ]);
    expect(rows[0]?.at).toBe(placedAt);
    expect(rows.map((r) => Date.parse(r.at) - Date.parse(placedAt))).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7].map((m) => m * 60_000),
    );

    // One order.status_changed event per change after placement, in the same order.
    const events = await eventPayloads(db(), tenant, orderId, 'order.status_changed');
    expect(events.map((e) => [e.from, e.to])).toEqual(rows.slice(1).map((r) => [r.from, r.to]));
    expect(events.at(-2)).toMatchObject({
      orderId,
      orderNumber,
      actor: { type: 'user', id: BUYER },
    });
    const last = events.at(-1);
    expect(last).toMatchObject({ reason: null, actor: { type: 'admin', id: ADMIN } });
    const final = await buyer(tenant).get<OrderDto>(`/api/orders/${orderId}`);
    expect(final.body.data.status).toBe('refunded');
  });

  it('refuses a change the table does not allow with 409, the allowed targets, and writes nothing', async () => {
    const { tenant, variant } = await shopOne();
    const { orderId } = await paidOrder(tenant, [[variant, 1]]);
    const before = await snapshot(tenant, orderId);

    const refused = await setStatus(tenant, orderId, { newStatus: 'shipped', reason: 'skip' });
    expectError(refused, 409, 'INVALID_TRANSITION');
    expect(refused.body.details).toMatchObject({ from: 'paid', to: 'shipped' });
    expect([...((refused.body.details?.allowedTargets ?? []) as string[])].sort()).toEqual([
      'processing',
      'requested_refund',
    ]);
    const back = await setStatus(tenant, orderId, { newStatus: 'awaiting_payment' });
    expectError(back, 409, 'INVALID_TRANSITION');
    expect(await snapshot(tenant, orderId)).toEqual(before);
  });

  describe('racing changes', () => {
    it('lets exactly one of 10 racing paid/cancelled changes from awaiting_payment win', async () => {
      const { tenant, variant } = await shopOne();
      const { orderId } = await place(tenant, [[variant, 2]]);
      const before = await snapshot(tenant, orderId);
      const targets = Array.from({ length: 10 }, (_, i) => (i % 2 ? 'cancelled' : 'paid'));
      const answers = await Promise.all(
        targets.map((newStatus) => setStatus(tenant, orderId, { newStatus })),
      );
      const won = answers.filter((a) => a.status === 200);
      expect(won).toHaveLength(1);
      expect(answers.filter((a) => a.status === 409)).toHaveLength(9);
      const winner = won[0]?.body.data.status;
      expect(await snapshot(tenant, orderId)).toEqual({
        status: winner,
        history: before.history + 1,
        outbox: before.outbox + 1,
      });
      // The winner's effect on stock, and only the winner's.
      expect(await stockOf(db(), tenant, variant.id)).toEqual(
        winner === 'paid' ? { onHand: 8, reserved: 0 } : { onHand: 10, reserved: 0 },
      );
    });

    it('lets exactly one of 10 racing paid → processing changes win', async () => {
      const { tenant, variant } = await shopOne();
      const { orderId } = await paidOrder(tenant, [[variant, 1]]);
      const before = await snapshot(tenant, orderId);
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => setStatus(tenant, orderId, { newStatus: 'processing' })),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, ...Array(9).fill(409)]);
      expect(await snapshot(tenant, orderId)).toEqual({
        status: 'processing',
        history: before.history + 1,
        outbox: before.outbox + 1,
      });
    });
  });

  describe('cancel', () => {
    it('lets the buyer cancel their unpaid order: the reservation is released and the session ends', async () => {
      const h = http();
      const { tenant, variant } = await shopOne();
      const { orderId } = await place(tenant, [[variant, 3]]);
      expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 10, reserved: 3 });

      const cancelled = await buyer(tenant).post<OrderDto>(`/api/orders/${orderId}/cancel`, {
        reason: 'changed my mind',
      });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.data.status).toBe('cancelled');
      expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 10, reserved: 0 });
      expect((await getSession(h, tenant, orderId, BUYER)).body.data.status).toBe('cancelled');
      expect((await history(tenant, orderId)).at(-1)).toMatchObject({
        from: 'awaiting_payment',
        to: 'cancelled',
        actorType: 'user',
        actorId: BUYER,
        reason: 'changed my mind',
      });
      expect(await moves(tenant, orderId)).toEqual([['awaiting_payment', 'cancelled']]);
      expectError(await retryPayment(h, tenant, orderId, BUYER), 409, 'SESSION_NOT_ACTIVE');
    });

    it('refuses to cancel a paid order with 409, for the buyer and for an admin', async () => {
      const { tenant, variant } = await shopOne();
      const { orderId } = await paidOrder(tenant, [[variant, 1]]);
      const before = await snapshot(tenant, orderId);
      expectError(
        await buyer(tenant).post(`/api/orders/${orderId}/cancel`),
        409,
        'INVALID_TRANSITION',
      );
      expectError(
        await admin(tenant).post(`/api/orders/${orderId}/cancel`),
        409,
        'INVALID_TRANSITION',
      );
      expect(await snapshot(tenant, orderId)).toEqual(before);
      expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 9, reserved: 0 });
    });

    it("answers another buyer's cancel with 404 and keeps the order and its reservation", async () => {
      const { tenant, variant } = await shopOne();
      const { orderId } = await place(tenant, [[variant, 2]]);
      const before = await snapshot(tenant, orderId);
      const answer = await buyer(tenant, 'buyer-2').post(`/api/orders/${orderId}/cancel`);
      expectError(answer, 404, 'ORDER_NOT_FOUND');
      expect(await snapshot(tenant, orderId)).toEqual(before);
      expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 10, reserved: 2 });
    });
  });

  describe('refund and restock', () => {
    /** Two lines (2 of A, 3 of B) paid and with a refund requested: on hand 8 and 7. */
    async function refundable() {
      const { tenant, variants } = await shop(null, null);
      const [a, b] = variants;
      if (!a || !b) throw new Error('no variants');
      const { orderId } = await paidOrder(tenant, [
        [a, 2],
        [b, 3],
      ]);
      const asked = await buyer(tenant).post(`/api/orders/${orderId}/refund-request`);
      expect(asked.status).toBe(200);
      const stock = async () => [
        await stockOf(db(), tenant, a.id),
        await stockOf(db(), tenant, b.id),
      ];
      expect(await stock()).toEqual([
        { onHand: 8, reserved: 0 },
        { onHand: 7, reserved: 0 },
      ]);
      return { tenant, orderId, a, b, stock };
    }

    it('puts every bought unit back on hand with restock: true', async () => {
      const { tenant, orderId, stock } = await refundable();
      const answer = await setStatus(tenant, orderId, { newStatus: 'refunded', restock: true });
      expect(answer.status).toBe(200);
      expect((await stock()).map((s) => s.onHand)).toEqual([10, 10]);
    });

    it('puts back only the chosen line and quantity with a per-line restock', async () => {
      const { tenant, orderId, a, stock } = await refundable();
      const restock = [{ variantId: a.id, quantity: 1 }];
      const answer = await setStatus(tenant, orderId, { newStatus: 'refunded', restock });
      expect(answer.status).toBe(200);
      expect((await stock()).map((s) => s.onHand)).toEqual([9, 7]);
    });

    it('leaves stock alone without restock, or with restock: false', async () => {
      const first = await refundable();
      expect((await setStatus(first.tenant, first.orderId, { newStatus: 'refunded' })).status).toBe(
        200,
      );
      expect((await first.stock()).map((s) => s.onHand)).toEqual([8, 7]);
      const second = await refundable();
      const answer = await setStatus(second.tenant, second.orderId, {
        newStatus: 'refunded',
        restock: false,
      });
      expect(answer.status).toBe(200);
      expect((await second.stock()).map((s) => s.onHand)).toEqual([8, 7]);
    });

    it('refuses to restock more than was bought, or a line not in the order, with 400 and writes nothing', async () => {
      const { tenant, orderId, a, b, stock } = await refundable();
      const before = await snapshot(tenant, orderId);
      const tooMany = await setStatus(tenant, orderId, {
        newStatus: 'refunded',
        restock: [
          { variantId: b.id, quantity: 2 },
          { variantId: b.id, quantity: 2 },
        ],
      });
      expectError(tooMany, 400, 'VALIDATION_FAILED');
      expect(tooMany.body.details).toMatchObject({ field: 'restock' });
      const [other] = await http().seedProducts(tenant, { onHand: 5 });
      const notInOrder = await setStatus(tenant, orderId, {
        newStatus: 'refunded',
        restock: [{ variantId: other?.id, quantity: 1 }],
      });
      expectError(notInOrder, 400, 'VALIDATION_FAILED');
      const notARefund = await setStatus(tenant, orderId, {
        newStatus: 'processing',
        restock: [{ variantId: a.id, quantity: 1 }],
      });
      expectError(notARefund, 400, 'VALIDATION_FAILED');
      expect(await snapshot(tenant, orderId)).toEqual(before);
      expect((await stock()).map((s) => s.onHand)).toEqual([8, 7]);
    });
  });

  describe('shipping cost', () => {
    it('before payment, updates the adjustments, the totals and the pending payment amount', async () => {
      const { tenant, variant } = await shopOne();
      const { orderId } = await place(tenant, [[variant, 2]]);
      const placed = (await admin(tenant).get<OrderDto>(`/api/orders/${orderId}`)).body.data;

      const answer = await admin(tenant).put<OrderDto>(`/api/orders/${orderId}/shipping-cost`, {
        shippingCostCents: 750,
      });
      expect(answer.status).toBe(200);
      const order = (await buyer(tenant).get<OrderDto>(`/api/orders/${orderId}`)).body.data;
      const adjustments = order.adjustments.reduce((sum, a) => sum + a.amountCents, 0);
      expect(order.adjustments.filter((a) => a.kind === 'shipping')).toEqual([
        {
          kind: 'shipping',
          label: 'Shipping',
          amountCents: 750,
          sourceType: 'admin',
          sourceId: ADMIN,
        },
      ]);
      expect(order.totals).toMatchObject({
        subtotalCents: 2000,
        shippingCents: 750,
        adjustmentsTotalCents: adjustments,
        totalCents: 2000 + adjustments,
      });
      expect(order.totals.totalCents).toBe(placed.totals.totalCents + 750);
      expect(answer.body.data.totals).toEqual(order.totals);
      const payments = await paymentRows(db(), tenant, orderId);
      expect(payments.map((p) => Number(p.amount_cents))).toEqual([order.totals.totalCents]);
      expect(await eventPayloads(db(), tenant, orderId, 'order.totals_changed')).toHaveLength(1);
    });

    it('after payment, is refused with 409 and changes nothing', async () => {
      const { tenant, variant } = await shopOne();
      const { orderId } = await paidOrder(tenant, [[variant, 1]]);
      const before = (await admin(tenant).get<OrderDto>(`/api/orders/${orderId}`)).body.data;
      const answer = await admin(tenant).put(`/api/orders/${orderId}/shipping-cost`, {
        shippingCostCents: 500,
      });
      expectError(answer, 409, 'INVALID_TRANSITION');
      const after = (await admin(tenant).get<OrderDto>(`/api/orders/${orderId}`)).body.data;
      expect(after.totals).toEqual(before.totals);
      expect(after.version).toBe(before.version);
    });
  });

  describe('listing and seller scoping', () => {
    /** Four orders an hour apart: o1 house (a), o2 s-1 (b, paid), o3 s-2 (a, cancelled), o4 s-1 (a). */
    async function catalogOfOrders() {
      const h = http();
      const { tenant, variants } = await shop(null, 's-1', 's-2');
      const [house, s1, s2] = variants;
      if (!house || !s1 || !s2) throw new Error('no variants');
      const start = h.clock.now();
      const o1 = await place(tenant, [[house, 1]], 'buyer-a');
      h.clock.advanceMinutes(60);
      const o2 = await paidOrder(tenant, [[s1, 1]], 'buyer-b');
      h.clock.advanceMinutes(60);
      const o3 = await place(tenant, [[s2, 1]], 'buyer-a');
      expect((await buyer(tenant, 'buyer-a').post(`/api/orders/${o3.orderId}/cancel`)).status).toBe(
        200,
      );
      h.clock.advanceMinutes(60);
      const o4 = await place(tenant, [[s1, 1]], 'buyer-a');
      const at = (hours: number) => new Date(start.getTime() + hours * 3_600_000).toISOString();
      return { tenant, o1, o2, o3, o4, at };
    }
    const ids = (answer: { body: { data: Page } }) => answer.body.data.items.map((o) => o.id);

    it('filters the admin listing by status, user, seller, order number and date range, newest first', async () => {
      const { tenant, o1, o2, o3, o4, at } = await catalogOfOrders();
      const list = (query: string) => admin(tenant).get<Page>(`/api/admin/orders?${query}`);
      expect(ids(await list('status=paid'))).toEqual([o2.orderId]);
      expect(ids(await list('status=cancelled'))).toEqual([o3.orderId]);
      expect(ids(await list('userId=buyer-a'))).toEqual([o4.orderId, o3.orderId, o1.orderId]);
      expect(ids(await list('sellerId=s-1'))).toEqual([o4.orderId, o2.orderId]);
      expect(ids(await list(`orderNumber=${o3.orderNumber}`))).toEqual([o3.orderId]);
      expect(ids(await list(`from=${at(1)}&to=${at(3)}`))).toEqual([o3.orderId, o2.orderId]);
      expect(ids(await list('userId=buyer-a&sellerId=s-1'))).toEqual([o4.orderId]);
      expect(ids(await list('userId=nobody'))).toEqual([]);
      expectError(await list('status=lost'), 400, 'VALIDATION_FAILED');
      const one = await admin(tenant).get<OrderDto>(`/api/admin/orders/${o2.orderId}`);
      expect(one.body.data).toMatchObject({ id: o2.orderId, status: 'paid', sellerId: 's-1' });
    });

    it('pages the admin listing with the before cursor, without gaps or repeats', async () => {
      const { tenant, o1, o2, o3, o4 } = await catalogOfOrders();
      const first = await admin(tenant).get<Page>('/api/admin/orders?limit=3');
      expect(ids(first)).toEqual([o4.orderId, o3.orderId, o2.orderId]);
      expect(first.body.data.nextCursor).toBe(o2.orderId);
      const second = await admin(tenant).get<Page>(
        `/api/admin/orders?limit=3&before=${first.body.data.nextCursor}`,
      );
      expect(ids(second)).toEqual([o1.orderId]);
      expect(second.body.data.nextCursor).toBeNull();
    });

    it("shows a seller only their own seller id's orders", async () => {
      const { tenant, o1, o2, o3, o4 } = await catalogOfOrders();
      const seller = http().as(tenant, 's-1', 'seller');
      expect(ids(await seller.get<Page>('/api/orders'))).toEqual([o4.orderId, o2.orderId]);
      expect(ids(await seller.get<Page>('/api/orders?status=paid'))).toEqual([o2.orderId]);
      expectError(await seller.get('/api/orders?sellerId=s-2'), 403, 'FORBIDDEN');
      expect((await seller.get(`/api/orders/${o2.orderId}`)).status).toBe(200);
      expectError(await seller.get(`/api/orders/${o3.orderId}`), 404, 'ORDER_NOT_FOUND');
      expectError(await seller.get(`/api/orders/number/${o3.orderNumber}`), 404, 'ORDER_NOT_FOUND');
      expectError(await seller.get(`/api/orders/${o3.orderId}/history`), 404, 'ORDER_NOT_FOUND');
      expectError(await seller.get('/api/admin/orders'), 403, 'FORBIDDEN');
      // A buyer, by contrast, sees their own orders whatever the seller.
      const buyerA = http().as(tenant, 'buyer-a');
      expect(ids(await buyerA.get<Page>('/api/orders'))).toEqual([
        o4.orderId,
        o3.orderId,
        o1.orderId,
      ]);
    });
  });

  it('keeps stock consistent when staff mark an expired order paid', async () => {
    const h = http();
    const { tenant, variant } = await shopOne();
    const { orderId } = await expiredOrder(h, tenant, BUYER, [[variant, 2]]);
    expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 10, reserved: 0 });
    const answer = await setStatus(tenant, orderId, { newStatus: 'paid', reason: 'bank transfer' });
    // Only a late provider payment may take an expired order's stock again; staff are refused.
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({
      error: 'INVALID_TRANSITION',
      details: { from: 'expired', to: 'paid' },
    });
    expect(await orderStatus(db(), tenant, orderId)).toBe('expired');
    expect(await stockOf(db(), tenant, variant.id)).toEqual({ onHand: 10, reserved: 0 });
  });
});
