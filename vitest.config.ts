import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    // A suite's set-up may start a server and build the demo county: on a busy machine that can
    // pass vitest's default 10 s. (Two files at once on two cores ran the suite in 1,405–1,481 s
    // instead of ~1,690 s, but one run out of three then timed out a set-up hook: one file at a
    // time, vitest's default on two cores, stays.)
    hookTimeout: 60_000,
  },
});
