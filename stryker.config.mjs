// Mutation testing of the rules that must not break: `npm run test:mutation`.
// Not part of `npm test`: it runs the covering tests once per mutant and takes many minutes.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/domain/state-machine.ts',
    'src/domain/order/status.ts',
    'src/domain/order-session/machine.ts',
    'src/domain/order-session/rules.ts',
    'src/domain/money.ts',
    'src/domain/pricing/*.ts',
    'src/domain/payment/rules.ts',
    'src/domain/checkout/*.ts',
    'src/app/checkout/request-hash.ts',
    'src/app/access.ts',
  ],
  // No dist/ in the sandbox: bin/ordersession.mjs then runs the mutated source, not a build of
  // the original.
  ignorePatterns: ['data', 'reports', '.ci-out', 'bench', 'dist', '.sabotage-tmp'],
  concurrency: 2,
  // Unit tests: a mutant that runs 10 s longer than the unmutated tests is looping.
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
