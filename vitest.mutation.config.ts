import { defineConfig } from 'vitest/config';

// The tests `npm run test:mutation` runs against each mutant: the pure unit tests of the files
// stryker.config.mjs mutates, none of which imports the whole service (a static mutant runs
// every related test file, freshly loaded). The HTTP and store suites exercise the same files
// but take minutes per run; the SQL rules are covered by `npm run test:sabotage` instead.
export default defineConfig({
  test: {
    include: [
      'test/domain/**/*.test.ts',
      'test/app/access.test.ts',
      'test/app/request-hash.test.ts',
    ],
    testTimeout: 60_000,
  },
});
