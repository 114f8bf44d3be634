import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real servers wait for retention dates and stream 64 MiB; the memory target is fast.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
