import { defineConfig } from 'vitest/config'

// Four layers, each a project (`npm run test:unit`, `test:integration`, `test:e2e`; `npm test` runs all):
// unit needs nothing running, integration and e2e need PostgreSQL and a Kafka broker (test/global-setup.ts),
// faults starts whole stacks of its own and hurts them (test/faults/faults.test.ts: a small check in
// `npm test`, the quick version with FAULTS=1, which `npm run test:faults:quick` sets).
const services = ['test/global-setup.ts']

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Files share one Kafka broker and one PostgreSQL server; each test isolates itself with its own
    // topics, group ids and schema, so files may run in parallel.
    fileParallelism: true,
    maxWorkers: 2,
    allowOnly: false,
    projects: [
      // Pure code only (no database, broker, child process, mocks or environment changes), so its files
      // share worker threads and loaded modules: the layer then takes seconds, most of it start-up.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], pool: 'threads', isolate: false } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: services } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: services } },
      { extends: true, test: { name: 'faults', include: ['test/faults/**/*.test.ts'], globalSetup: services } }
    ]
  }
})
