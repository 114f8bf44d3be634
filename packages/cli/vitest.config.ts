import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every test runs the built binary as a child process (node dist/bin/stowage.js).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores, real servers and child processes: a few files at a time.
    maxWorkers: 2,
  },
});
