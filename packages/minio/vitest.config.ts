import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Waits for (locally) or insists on (CI) the real servers of scripts/servers/.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores shared with other servers and suites: a couple of files at a time.
    maxWorkers: 2,
  },
});
