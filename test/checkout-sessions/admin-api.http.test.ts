import { expect, it } from 'vitest';
import { useHttp } from '../support/http.ts';
import { describeEachStore, newTenantId } from '../support/stores.ts';

describeEachStore('agent checkout merchant data (admin API)', (store) => {
  const http = useHttp(store);

  it('creates, replaces, lists and deletes shipping rates per tenant', async () => {
    const tenant = newTenantId();
    const admin = http().as(tenant, 'admin-1', 'admin');
    const rate = { countryCode: 'us', serviceLevel: 'express', priceCents: 1500, title: 'Express' };
    expect((await admin.put('/api/admin/shipping-rates/exp-us', rate)).status).toBe(200);
    const replaced = await admin.put('/api/admin/shipping-rates/exp-us', {
      ...rate,
      priceCents: 1400,
    });
    expect(replaced.body.data).toEqual({
      id: 'exp-us',
      ...rate,
      countryCode: 'US',
      priceCents: 1400,
    });
    expect((await admin.get<unknown[]>('/api/admin/shipping-rates')).body.data).toHaveLength(1);
    const other = http().as(newTenantId(), 'admin-1', 'admin');
    expect((await other.get<unknown[]>('/api/admin/shipping-rates')).body.data).toEqual([]);
    expect((await admin.delete('/api/admin/shipping-rates/exp-us')).status).toBe(200);
    expect((await admin.delete('/api/admin/shipping-rates/exp-us')).body.error).toBe(
      'SHIPPING_RATE_NOT_FOUND',
    );
  });

  it('names the wrong field of a promotion and of an address', async () => {
    const admin = http().as(newTenantId(), 'admin-1', 'admin');
    const promo = await admin.put('/api/admin/promotions/p1', {
      type: 'free_shipping',
      description: 'Nothing to qualify on',
    });
    expect(promo.status).toBe(400);
    expect(promo.body.details).toMatchObject({ field: 'minSubtotalCents' });
    expect(
      (await admin.put('/api/admin/buyers/c1', { email: 'C1@Example.com', name: 'C' })).body.data,
    ).toEqual({
      id: 'c1',
      email: 'c1@example.com',
      name: 'C',
    });
    const address = await admin.put('/api/admin/buyers/c1/addresses/a1', {
      streetAddress: '1 A St',
      locality: 'X',
      postalCode: '1',
      country: 'USA',
    });
    expect(address.status).toBe(400);
    expect(address.body.message).toContain('country');
    const taken = await admin.put('/api/admin/buyers/c2', { email: 'c1@example.com', name: 'D' });
    expect([taken.status, taken.body.error]).toEqual([409, 'BUYER_EMAIL_TAKEN']);
  });
});
