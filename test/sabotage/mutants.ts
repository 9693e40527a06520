/**
 * Hand-written mutants of the rules Stryker cannot mutate: SQL text (the stock guard, tenant
 * filters, the expiry sweep) and the idempotency hash and comparison of the checkout and of the
 * generic /api idempotency. `npm run test:sabotage` applies each to a copy of the project and
 * requires at least one failing test among `tests`.
 *
 * Each finds its target by an exact pattern that must match exactly once: when the code changes
 * (the SQL is rewritten, a query moves), the run stops with "target not found" instead of
 * passing without having broken anything. Then update the pattern here, not the test.
 */
export interface Sabotage {
  name: string;
  file: string;
  find: RegExp;
  /** A replacement string, `$1` and so on as in String.prototype.replace. */
  replace: string;
  tests: string[];
}

const GUARDS = 'test/store/sql-guards.test.ts';
const CHECKOUT_IDEMPOTENCY = 'test/http/idempotency-fields.http.test.ts';
const ROUTE_IDEMPOTENCY = 'test/http/idempotency-all-routes.http.test.ts';

export const SABOTAGES: Sabotage[] = [
  {
    name: 'stock guard: any stock left instead of enough',
    file: 'src/store/sql/checkout.store.ts',
    find: /on_hand - reserved >= \$\{quantity\}/,
    replace: 'on_hand - reserved > 0',
    tests: [GUARDS],
  },
  {
    name: 'stock guard: removed',
    file: 'src/store/sql/checkout.store.ts',
    find: /\s*\.where\(sql<boolean>`on_hand - reserved >= \$\{quantity\}`\)/,
    replace: '',
    tests: [GUARDS],
  },
  {
    name: 'tenant filter: variants loaded for a checkout',
    file: 'src/store/sql/checkout.store.ts',
    find: /\.where\('tenant_id', '=', tenantId\)(\s*\.where\('id', 'in', ids\))/,
    replace: '$1',
    tests: [GUARDS],
  },
  {
    name: 'tenant filter: stock reservation',
    file: 'src/store/sql/checkout.store.ts',
    find: /\.where\('tenant_id', '=', tenantId\)(\s*\.where\('id', '=', variantId\)\s*\.where\(sql<boolean>)/,
    replace: '$1',
    tests: [GUARDS],
  },
  {
    name: 'tenant filter: order by id',
    file: 'src/store/sql/order.repository.ts',
    find: /\.where\('tenant_id', '=', tenantId\)(\s*\.where\('id', '=', id\))/,
    replace: '$1',
    tests: [GUARDS],
  },
  {
    name: 'tenant filter: order by number',
    file: 'src/store/sql/order.repository.ts',
    find: /\.where\('tenant_id', '=', tenantId\)(\s*\.where\('order_number', '=', orderNumber\))/,
    replace: '$1',
    tests: [GUARDS],
  },
  {
    name: 'tenant filter: order list',
    file: 'src/store/sql/order.repository.ts',
    find: /\.where\('tenant_id', '=', tenantId\)(\s*\.orderBy\('id', 'desc'\))/,
    replace: '$1',
    tests: [GUARDS],
  },
  {
    name: 'checkout idempotency hash: the items only',
    file: 'src/app/checkout/place-order.ts',
    find: /requestHash\(overrides === undefined \? command :/,
    replace: 'requestHash(overrides === undefined ? { items: command.items } :',
    tests: [CHECKOUT_IDEMPOTENCY],
  },
  {
    name: 'checkout idempotency hash: the coupon left out',
    file: 'src/app/checkout/place-order.ts',
    find: /requestHash\(overrides === undefined \? command :/,
    replace: 'requestHash(overrides === undefined ? { ...command, couponCode: undefined } :',
    tests: [CHECKOUT_IDEMPOTENCY],
  },
  {
    name: 'checkout idempotency comparison: any body replays',
    file: 'src/app/checkout/place-order.ts',
    find: /if \(outcome\.requestHash !== claim\.requestHash\)/,
    replace: 'if (false)',
    tests: [CHECKOUT_IDEMPOTENCY],
  },
  {
    name: '/api idempotency hash: the body left out',
    file: 'src/http/idempotency.ts',
    find: /body: schema\?\.body === undefined \? undefined : request\.body,/,
    replace: 'body: undefined,',
    tests: [ROUTE_IDEMPOTENCY],
  },
  {
    name: 'payment expiry: an order expired whatever its status',
    file: 'src/store/sql/payment-expiry.sql.ts',
    find: /\s*AND o\.status IN \('pending', 'awaiting_payment'\)/,
    replace: '',
    tests: [GUARDS],
  },
  {
    name: 'payment expiry: windows expired before they are due',
    file: 'src/store/sql/payment-expiry.sql.ts',
    find: /(WHERE status = 'active') AND expires_at <= \$\{now\}( \$\{scope\})/,
    replace: '$1$2',
    tests: [GUARDS],
  },
];
