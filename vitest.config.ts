import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
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
