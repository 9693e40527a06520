import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Compiled response serializers checked against zod's encode on every answer.
    setupFiles: ['test/support/serializer-check.ts'],
    // Files run in parallel, each with its own embedded database and PostgreSQL schema.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
