import { defineConfig } from 'vitest/config';

// The tests `npm run test:mutation` runs against each mutant: the pure unit tests of the files
// stryker.config.mjs mutates. They run in milliseconds, so every mutant (a static one runs all
// of them) costs about a second. The HTTP and store suites exercise the same files but take
// minutes per run; the SQL rules are covered by `npm run test:sabotage` instead.
export default defineConfig({
  test: {
    include: [
      'test/domain/**/*.test.ts',
      'test/app/access.test.ts',
      'test/app/request-hash.test.ts',
      'test/app/order-session-service.test.ts',
    ],
    testTimeout: 60_000,
  },
});
