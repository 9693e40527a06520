import type { Coupon } from '../../domain/pricing/coupon.ts';
import { ROUNDING_MODES } from '../../domain/pricing/rounding.ts';
import type { PricingSettings } from '../../domain/pricing/settings.ts';
import { AdminLayout, Csrf, money, when } from './layout.tsx';

export function PricingPage(props: {
  csrf: string;
  tenantId: string;
  settings: PricingSettings;
  coupons: Coupon[];
}) {
  const { settings } = props;
  return (
    <AdminLayout title="Pricing and coupons" csrf={props.csrf} tenantId={props.tenantId}>
      <section class="card" aria-labelledby="settings">
        <h2 id="settings">Settings</h2>
        <form method="post" action="/admin/pricing/settings" class="filters">
          <Csrf token={props.csrf} />
          <div>
            <label for="taxRateBp">Tax (basis points)</label>
            <input
              id="taxRateBp"
              name="taxRateBp"
              type="number"
              min={0}
              max={10000}
              value={settings.taxRateBp}
              required
            />
          </div>
          <div>
            <label for="feeRateBp">Service fee (basis points)</label>
            <input
              id="feeRateBp"
              name="feeRateBp"
              type="number"
              min={0}
              max={10000}
              value={settings.feeRateBp}
              required
            />
          </div>
          <div>
            <label for="roundingMode">Rounding</label>
            <select id="roundingMode" name="roundingMode">
              {ROUNDING_MODES.map((mode) => (
                <option value={mode} selected={mode === settings.roundingMode}>
                  {mode}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="shippingFlatCents">Shipping per order (cents)</label>
            <input
              id="shippingFlatCents"
              name="shippingFlatCents"
              type="number"
              min={0}
              value={settings.shippingFlatCents}
              required
            />
          </div>
          <div>
            <button type="submit" class="primary">
              Save settings
            </button>
          </div>
        </form>
      </section>
      <section class="card" aria-labelledby="coupons">
        <h2 id="coupons">Coupons</h2>
        <div class="table-scroll">
          <table id="coupon-table">
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Discount</th>
                <th scope="col">Minimum</th>
                <th scope="col">Valid</th>
                <th scope="col">Active</th>
              </tr>
            </thead>
            <tbody>
              {props.coupons.map((coupon) => (
                <tr>
                  <td>{coupon.code}</td>
                  <td>
                    {coupon.kind === 'percent'
                      ? `${(coupon.percentBp ?? 0) / 100}%`
                      : money(coupon.amountCents ?? 0, coupon.currency ?? '')}
                  </td>
                  <td>{coupon.minSubtotalCents}</td>
                  <td>
                    {when(coupon.startsAt)} – {when(coupon.expiresAt)}
                  </td>
                  <td>{coupon.active ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <h3>New coupon</h3>
        <form method="post" action="/admin/pricing/coupons" class="filters">
          <Csrf token={props.csrf} />
          <div>
            <label for="code">Code</label>
            <input id="code" name="code" required pattern="[A-Za-z0-9_-]+" maxLength={64} />
          </div>
          <div>
            <label for="kind">Kind</label>
            <select id="kind" name="kind">
              <option value="percent">percent</option>
              <option value="fixed">fixed amount</option>
            </select>
          </div>
          <div>
            <label for="percentBp">Percent (basis points)</label>
            <input id="percentBp" name="percentBp" type="number" min={1} max={10000} />
          </div>
          <div>
            <label for="amountCents">Amount (cents)</label>
            <input id="amountCents" name="amountCents" type="number" min={1} />
          </div>
          <div>
            <label for="currency">Currency</label>
            <input id="currency" name="currency" pattern="[A-Z]{3}" maxLength={3} />
          </div>
          <div>
            <label for="minSubtotalCents">Minimum subtotal (cents)</label>
            <input id="minSubtotalCents" name="minSubtotalCents" type="number" min={0} value={0} />
          </div>
          <div>
            <button type="submit" class="primary">
              Create coupon
            </button>
          </div>
        </form>
      </section>
    </AdminLayout>
  );
}
