import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    // Two files at once even on two cores (vitest's default there is one): most files wait on
    // PostgreSQL, child processes or Chromium, and the whole suite ran in 1,462 s instead of
    // 1,686 s, every test passing. More cores, more workers.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
