// A local three-node Kafka cluster for one test file, on free ports, its data in `dataDir`.
import { loadConfig } from '../../src/config/config.ts'
import { startLocalKafka, type LocalCluster } from '../../src/dev/local-kafka.ts'
import { freePorts } from '../../src/dev/ports.ts'

export async function startTestCluster (dataDir: string): Promise<LocalCluster> {
  const ports = await freePorts(6)
  return startLocalKafka({
    nodes: 3,
    port: 0,
    controllerPort: 0,
    addresses: [0, 1, 2].map((i) => ({ nodeId: i + 1, port: ports[2 * i] as number, controllerPort: ports[2 * i + 1] as number })),
    dataDir,
    cacheDir: loadConfig({}).kafka.cacheDir,
    // Three JVMs beside the test run's own broker and services: a small heap each is plenty.
    heap: '256m',
    onProgress: () => {},
    // Three JVMs starting at once on a loaded two-core machine take a while.
    readyTimeoutMs: 120_000
  })
}
