import { defineConfig } from 'vitest/config';

/** Browser tests (test/browser): the built web app in Debian's chromium through playwright-core, run once. */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
