import { defineConfig } from 'vitest/config';

/** `npm run test:reliability`: the slow failure cases (kill -9 during a batch, signals). */
export default defineConfig({
  test: {
    include: ['tests/reliability/**/*.slow.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 900_000,
    hookTimeout: 300_000,
  },
});
