import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createServiceClient } from '../../src/client/index.ts';
import { buildHttp } from '../../src/system.ts';
import type { OrderDto } from '../support/checkout.ts';
import {
  openHttpWith,
  SERVICE_SECRET,
  type ServiceCall,
  serviceRequest,
  testConfig,
  useHttpWith,
} from '../support/configured-http.ts';
import { notify, orderStatus, placeOne } from '../support/payments.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

const BUYER = 'buyer-1';
type Page = { items: OrderDto[]; nextCursor: string | null };
interface HistoryDto {
  from: string | null;
  to: string;
  actorType: string;
  actorId: string;
}

describeEachStore('service-to-service auth', (store) => {
  const http = useHttpWith(store, () => testConfig());

  /** A tenant with one paid order of BUYER. */
  async function paidOrder() {
    const h = http();
    const tenant = newTenantId();
    const [variant] = await h.seedProducts(tenant, { onHand: 10 });
    if (!variant) throw new Error('no variant');
    const placed = await placeOne(h, tenant, BUYER, [[variant, 1]]);
    expect(await notify(h, tenant, placed.payment.paymentId, 'succeeded')).toBe('paid');
    return { tenant, orderId: placed.orderId };
  }
  const send = (call: Omit<ServiceCall, 'signedAt'> & { signedAt?: Date }) =>
    http().send<unknown>(serviceRequest({ signedAt: http().clock.now(), ...call }));
  const statusCall = (tenant: string, orderId: string, newStatus = 'processing') => ({
    method: 'PUT' as const,
    url: `/api/orders/${orderId}/status`,
    rawBody: JSON.stringify({ newStatus, reason: 'from billing' }),
    tenantId: tenant,
  });
  const history = async (tenant: string, orderId: string) =>
    (
      await http()
        .as(tenant, 'admin-1', 'admin')
        .get<HistoryDto[]>(`/api/orders/${orderId}/history`)
    ).body.data;

  describe('a correctly signed call', () => {
    it('reads an admin route as internal, for the tenant in x-tenant-id only', async () => {
      const { tenant, orderId } = await paidOrder();
      const listed = await send({ method: 'GET', url: '/api/admin/orders', tenantId: tenant });
      expect(listed.status).toBe(200);
      expect((listed.body.data as Page).items.map((o) => o.id)).toEqual([orderId]);
      const elsewhere = await send({
        method: 'GET',
        url: '/api/admin/orders',
        tenantId: newTenantId(),
      });
      expect(elsewhere.status).toBe(200);
      expect((elsewhere.body.data as Page).items).toEqual([]);
    });

    it('changes an order as actor internal service:billing, or as the x-user-id it names', async () => {
      const { tenant, orderId } = await paidOrder();
      const moved = await send(statusCall(tenant, orderId));
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect((moved.body.data as OrderDto).status).toBe('processing');
      const shipped = await send({ ...statusCall(tenant, orderId, 'shipped'), userId: 'ops-7' });
      expect(shipped.status).toBe(200);
      expect((await history(tenant, orderId)).slice(-2)).toMatchObject([
        { from: 'paid', to: 'processing', actorType: 'internal', actorId: 'service:billing' },
        { from: 'processing', to: 'shipped', actorType: 'internal', actorId: 'ops-7' },
      ]);
    });

    it('is accepted when signed exactly 5 minutes ago', async () => {
      const { tenant, orderId } = await paidOrder();
      const h = http();
      const signedAt = h.clock.now();
      h.clock.set(new Date(signedAt.getTime() + 300_000));
      const answer = await send({ ...statusCall(tenant, orderId), signedAt });
      expect(answer.status).toBe(200);
    });
  });

  describe('refused with 401 UNAUTHENTICATED, and nothing written', () => {
    type Target = { tenant: string; orderId: string; now: Date };
    const later = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000);
    const cases: {
      what: string;
      call: (t: Target) => ServiceCall;
      /** Seconds the clock moves between signing and sending. */
      wait?: number;
      edit?: (options: InjectOptions) => void;
    }[] = [
      {
        what: 'a signature made with another secret',
        call: (t) => ({
          ...statusCall(t.tenant, t.orderId),
          signedAt: t.now,
          secret: 'w'.repeat(40),
        }),
      },
      {
        what: 'a body changed after signing',
        call: (t) => ({
          ...statusCall(t.tenant, t.orderId),
          signedAt: t.now,
          signed: { rawBody: JSON.stringify({ newStatus: 'requested_refund' }) },
        }),
      },
      {
        what: 'a path changed after signing',
        call: (t) => ({
          ...statusCall(t.tenant, t.orderId),
          signedAt: t.now,
          signed: { url: `/api/admin/orders/${t.orderId}/status` },
        }),
      },
      {
        what: 'a query changed after signing',
        call: (t) => ({
          method: 'GET',
          url: '/api/admin/orders?status=paid',
          tenantId: t.tenant,
          signedAt: t.now,
          signed: { url: '/api/admin/orders?status=cancelled' },
        }),
      },
      {
        what: 'a query added after signing',
        call: (t) => ({
          method: 'GET',
          url: `/api/admin/orders?userId=${BUYER}`,
          tenantId: t.tenant,
          signedAt: t.now,
          signed: { url: '/api/admin/orders' },
        }),
      },
      {
        what: 'a method changed after signing',
        call: (t) => ({
          ...statusCall(t.tenant, t.orderId),
          signedAt: t.now,
          signed: { method: 'POST' },
        }),
      },
      {
        what: 'an x-tenant-id other than the signed one',
        call: (t) => ({
          ...statusCall(t.tenant, t.orderId),
          signedAt: t.now,
          signed: { tenantId: newTenantId() },
        }),
      },
      {
        what: 'an x-user-id other than the signed one',
        call: (t) => ({
          ...statusCall(t.tenant, t.orderId),
          userId: 'ops-7',
          signedAt: t.now,
          signed: { userId: 'ops-8' },
        }),
      },
      {
        what: 'an x-user-id added after signing',
        call: (t) => ({ ...statusCall(t.tenant, t.orderId), signedAt: t.now }),
        edit: (options) => {
          (options.headers as Record<string, string>)['x-user-id'] = 'ops-7';
        },
      },
      {
        what: 'an idempotency-key other than the signed one',
        call: (t) => ({
          ...statusCall(t.tenant, t.orderId),
          idempotencyKey: 'key-2',
          signedAt: t.now,
          signed: { idempotencyKey: 'key-1' },
        }),
      },
      {
        what: 'an X-Service-Nonce other than the signed one',
        call: (t) => ({ ...statusCall(t.tenant, t.orderId), signedAt: t.now }),
        edit: (options) => {
          (options.headers as Record<string, string>)['x-service-nonce'] =
            'another-nonce-0123456789';
        },
      },
      {
        what: 'no X-Service-Nonce header',
        call: (t) => ({ ...statusCall(t.tenant, t.orderId), signedAt: t.now }),
        edit: (options) => {
          delete (options.headers as Record<string, string>)['x-service-nonce'];
        },
      },
      {
        what: 'a malformed X-Service-Nonce (too short)',
        call: (t) => ({ ...statusCall(t.tenant, t.orderId), signedAt: t.now, nonce: 'short' }),
      },
      {
        what: 'a timestamp older than 5 minutes (the clock moved 5 min 1 s)',
        call: (t) => ({ ...statusCall(t.tenant, t.orderId), signedAt: t.now }),
        wait: 301,
      },
      {
        what: 'a timestamp more than 5 minutes ahead',
        call: (t) => ({ ...statusCall(t.tenant, t.orderId), signedAt: later(t.now, 301) }),
      },
      {
        what: 'an X-Service-Name other than the signed name',
        call: (t) => ({
          ...statusCall(t.tenant, t.orderId),
          signedAt: t.now,
          nameHeader: 'reports',
        }),
      },
      {
        what: 'no X-Service-Name header',
        call: (t) => ({ ...statusCall(t.tenant, t.orderId), signedAt: t.now }),
        edit: (options) => {
          delete (options.headers as Record<string, string>)['x-service-name'];
        },
      },
      {
        what: 'a correct signature from a service not in ALLOWED_SERVICES',
        call: (t) => ({ ...statusCall(t.tenant, t.orderId), signedAt: t.now, service: 'shipping' }),
      },
      {
        what: 'a malformed X-Service-Auth',
        call: (t) => ({ ...statusCall(t.tenant, t.orderId), signedAt: t.now }),
        edit: (options) => {
          (options.headers as Record<string, string>)['x-service-auth'] = 'billing:abc:zz';
        },
      },
    ];

    it.each(cases)('$what', async ({ call, wait, edit }) => {
      const h = http();
      const { tenant, orderId } = await paidOrder();
      const before = await history(tenant, orderId);
      const options = serviceRequest(call({ tenant, orderId, now: h.clock.now() }));
      edit?.(options);
      if (wait) h.clock.set(later(h.clock.now(), wait));
      const answer = await h.send(options);
      expect({ status: answer.status, error: answer.body.error }).toEqual({
        status: 401,
        error: 'UNAUTHENTICATED',
      });
      expect(await orderStatus(store().db, tenant, orderId)).toBe('paid');
      expect(await history(tenant, orderId)).toEqual(before);
    });
  });

  it('answers a signed call without x-tenant-id with 400 naming the header', async () => {
    const answer = await send({ method: 'GET', url: '/api/admin/orders' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: 'VALIDATION_FAILED',
      details: { field: 'headers.x-tenant-id' },
    });
  });

  it('refuses every signed call with 401 when SERVICE_SECRET is not set', async () => {
    const h = await openHttpWith(store(), testConfig({ serviceSecret: undefined }));
    try {
      const answer = await h.send(
        serviceRequest({
          method: 'GET',
          url: '/api/admin/orders',
          tenantId: newTenantId(),
          signedAt: h.clock.now(),
        }),
      );
      expect({ status: answer.status, error: answer.body.error }).toEqual({
        status: 401,
        error: 'UNAUTHENTICATED',
      });
    } finally {
      await h.close();
    }
  });

  describe('createServiceClient against a listening server', () => {
    /** The app on a loopback port; the clock set to real time, as the client signs with it. */
    async function listening() {
      const h = http();
      h.clock.set(new Date());
      const app = await buildHttp(h.system);
      const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
      return { app, baseUrl };
    }

    it('signs real requests end to end: a listing and a status change', async () => {
      const { app, baseUrl } = await listening();
      try {
        const { tenant, orderId } = await paidOrder();
        const request = createServiceClient({
          baseUrl,
          serviceName: 'billing',
          secret: SERVICE_SECRET,
          tenantId: tenant,
        });
        const listed = await request('GET', `/api/admin/orders?userId=${BUYER}&status=paid`);
        expect(listed.status).toBe(200);
        const page = (await listed.json()) as { data: Page };
        expect(page.data.items.map((o) => o.id)).toEqual([orderId]);
        const moved = await request('PUT', `/api/orders/${orderId}/status`, {
          newStatus: 'processing',
        });
        expect(moved.status).toBe(200);
        expect(await orderStatus(store().db, tenant, orderId)).toBe('processing');

        const forged = createServiceClient({
          baseUrl,
          serviceName: 'billing',
          secret: 'q'.repeat(40),
          tenantId: tenant,
        });
        const refused = await forged('GET', '/api/admin/orders');
        expect(refused.status).toBe(401);
        expect(await refused.json()).toMatchObject({ success: false, error: 'UNAUTHENTICATED' });
      } finally {
        await app.close();
      }
    });

    it('works for a query with a space', async () => {
      const { app, baseUrl } = await listening();
      try {
        const request = createServiceClient({
          baseUrl,
          serviceName: 'billing',
          secret: SERVICE_SECRET,
          tenantId: newTenantId(),
        });
        const answer = await request('GET', '/api/admin/orders?orderNumber=no such order');
        expect(answer.status).toBe(200);
      } finally {
        await app.close();
      }
    });
  });
});
