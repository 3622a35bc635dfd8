import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

const BROWSER = 'test/browser/**/*.test.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // A suite's set-up may start a server and build the demo county: on a busy machine that can
    // pass vitest's default 10 s.
    hookTimeout: 60_000,
    // Two files at once even on two cores (vitest's default there is one): most files wait on
    // PostgreSQL, child processes or Chromium. More cores, more workers.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: [...configDefaults.exclude, BROWSER], sequence: { groupOrder: 0 } },
      },
      // The browser tests after the rest, one file at a time: a page under two other files' load
      // missed its timing (a list still fading out, a navigation) in two CI runs of three.
      { extends: true, test: { name: 'browser', include: [BROWSER], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
