import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Real servers and worker bundling take seconds; tests wait on durable state, never on fixed sleeps.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two cores: run files two at a time so servers and bundlers do not starve each other.
    maxWorkers: 2,
  },
});
