import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    // Two files at once even on two cores (vitest's default there is one): most files wait on
    // PostgreSQL, child processes or Chromium. On two cores the whole suite runs in about 1,460 s
    // instead of about 1,850 s with one, keeping CI under 30 minutes. More cores, more workers.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A suite's set-up may start a server and build the demo county: with two files at once on two
    // cores that passed vitest's default 10 s once (audit routes on PostgreSQL).
    hookTimeout: 60_000,
  },
});
