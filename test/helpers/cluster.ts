// A local three-node Kafka cluster for one test file, on free ports, its data under `dataDir`.
import { join } from 'node:path'
import { loadConfig } from '../../src/config/config.ts'
import { freeNodeAddresses, startLocalKafka, type LocalCluster } from '../../src/dev/local-kafka.ts'
import { LocalBrokerError } from '../../src/dev/local-broker.ts'

/**
 * Three JVMs starting at once beside the rest of the test run on two cores: seen once in several runs to
 * fail their start-up. These tests are about what a running cluster does, so a start that fails is tried
 * once more, on new ports and a new data folder, and its reason printed.
 */
export async function startTestCluster (dataDir: string): Promise<LocalCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLocalKafka({
        nodes: 3,
        port: 0,
        controllerPort: 0,
        addresses: await freeNodeAddresses(3),
        dataDir: join(dataDir, `attempt-${attempt}`),
        cacheDir: loadConfig({}).kafka.cacheDir,
        // Three JVMs beside the test run's own broker and services: a small heap each is plenty.
        heap: '256m',
        onProgress: () => {},
        // Three JVMs starting at once on a loaded two-core machine take a while.
        readyTimeoutMs: 120_000
      })
    } catch (error) {
      if (attempt >= 2 || !(error instanceof LocalBrokerError)) throw error
      process.stderr.write(`the test cluster did not start (${error.message}); trying once more\n`)
    }
  }
}
