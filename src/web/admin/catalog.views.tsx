import { availableUnits, type ProductVariant } from '../../domain/catalog/types.ts';
import { AdminLayout, Csrf, money } from './layout.tsx';

export function ProductsPage(props: {
  csrf: string;
  tenantId: string;
  products: ProductVariant[];
  nextUrl: string | null;
}) {
  return (
    <AdminLayout title="Products and stock" csrf={props.csrf} tenantId={props.tenantId}>
      <div class="table-scroll">
        <table id="products">
          <caption class="visually-hidden">Products with their stock</caption>
          <thead>
            <tr>
              <th scope="col">SKU</th>
              <th scope="col">Name</th>
              <th scope="col" class="num">
                Price
              </th>
              <th scope="col" class="num">
                Reserved
              </th>
              <th scope="col" class="num">
                Available
              </th>
              <th scope="col">On hand</th>
            </tr>
          </thead>
          <tbody>
            {props.products.map((product) => (
              <tr data-sku={product.sku}>
                <td>{product.sku}</td>
                <td>{product.name}</td>
                <td class="num">{money(product.priceCents, product.currency)}</td>
                <td class="num">{product.reserved}</td>
                <td class="num">{availableUnits(product)}</td>
                <td>
                  <form method="post" action={`/admin/products/${product.id}/stock`} class="inline">
                    <Csrf token={props.csrf} />
                    <label class="visually-hidden" for={`on-hand-${product.id}`}>
                      On hand for {product.sku}
                    </label>
                    <input
                      id={`on-hand-${product.id}`}
                      name="onHand"
                      type="number"
                      min={product.reserved}
                      step={1}
                      value={product.onHand}
                      required
                    />
                    <button type="submit">Set</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.nextUrl ? (
        <nav class="pager" aria-label="Pages">
          <a href={props.nextUrl} rel="next">
            More products
          </a>
        </nav>
      ) : null}
    </AdminLayout>
  );
}
