import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['collector/src/**/*.test.ts', 'sdk-browser/src/**/*.test.ts', 'sdk-node/src/**/*.test.ts', 'test/**/*.test.ts'],
    // chDB allows one data folder per process: each test file gets its own process.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
    // The JSON report lets .ci/run print a plain 'N passed, N failed' closing line.
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
  },
})
