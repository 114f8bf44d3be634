import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Waits for (locally) or insists on (CI) the real servers of scripts/servers/.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores and two servers on this machine: files share them, so run a few at a time.
    maxWorkers: 3,
  },
});
