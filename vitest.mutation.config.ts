import { defineConfig } from 'vitest/config';

// The suites that exercise the files stryker.config.mjs mutates; the rest of `npm test`
// cannot kill their mutants and would only make each run longer. Settings as vitest.config.ts.
export default defineConfig({
  test: {
    include: [
      'test/domain/**/*.test.ts',
      'test/app/**/*.test.ts',
      'test/http/checkout*.test.ts',
      'test/http/idempotency-fields.http.test.ts',
      'test/http/access-table.http.test.ts',
      'test/http/payment-window.http.test.ts',
      'test/http/order-lifecycle.http.test.ts',
      'test/store/payment-expiry.test.ts',
    ],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
