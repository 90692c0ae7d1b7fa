import { defineConfig } from 'vitest/config';

// Lab tests start real network namespaces and sshd: they run one file at a time so two labs never
// compete for the same bridge, and get generous timeouts on 2-core CI machines.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: true,
    reporters: ['default'],
  },
});
