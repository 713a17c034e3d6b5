import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault-injection checks take minutes and load both cores: `npm run test:faults:quick` runs the
    // small version (FAULTS=1), `npm run test:faults` the full one; `npm test` leaves them out.
    exclude: process.env.FAULTS === '1' ? ['node_modules/**'] : ['test/faults/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Files share one Kafka broker and one PostgreSQL server; each test isolates itself with its own
    // topics, group ids and schema, so files may run in parallel.
    fileParallelism: true,
    maxWorkers: 2,
    allowOnly: false
  }
})
