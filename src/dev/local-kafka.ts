// Local Kafka of either shape behind one handle: the single broker (data straight in KAFKA_DATA_DIR, as
// `npm run kafka` has always kept it) or a cluster of several nodes. `npm start`, `npm run kafka` and the
// fault run ask for a number of nodes and get nodes they can stop, kill, freeze and start again.
import type { Config } from '../config/config.ts'
import { startLocalBroker, type LocalBroker } from './local-broker.ts'
import { freeNodeAddresses, startLocalCluster, type ClusterNode, type LocalCluster, type LocalClusterOptions } from './local-cluster.ts'

export { freeNodeAddresses, type ClusterNode, type LocalCluster }

/** The options `npm run kafka` and `npm start` use for `nodes` nodes, from the validated configuration. */
export function localKafkaOptions (config: Config, nodes: number): LocalClusterOptions {
  const { localPort, localControllerPort, dataDir, cacheDir, heap } = config.kafka
  return { nodes, port: localPort, controllerPort: localControllerPort, dataDir, cacheDir, heap }
}

/** Where a node's log is: the single broker's in KAFKA_DATA_DIR, node n's in KAFKA_DATA_DIR/node-n (`*`: any). */
export function nodeLogPath (dataDir: string, nodes: number, node: number | '*' = '*'): string {
  return nodes === 1 ? `${dataDir}/broker.log` : `${dataDir}/node-${node}/broker.log`
}

export async function startLocalKafka (options: LocalClusterOptions): Promise<LocalCluster> {
  if (options.nodes > 1) return startLocalCluster(options)
  const address = options.addresses?.[0] ?? { port: options.port, controllerPort: options.controllerPort }
  const brokerOptions = {
    ...address,
    dataDir: options.dataDir,
    cacheDir: options.cacheDir,
    heap: options.heap,
    ifRunning: options.ifRunning,
    onProgress: options.onProgress,
    readyTimeoutMs: options.readyTimeoutMs,
    onOutput: options.onOutput === undefined ? undefined : (line: string) => options.onOutput?.(1, line)
  }
  let broker: LocalBroker = await startLocalBroker(brokerOptions)
  let running = broker.pid !== undefined
  const watch = (): void => { broker.exited.then(() => { running = false }) }
  watch()
  const signal = (name: NodeJS.Signals): void => { if (running && broker.pid !== undefined) process.kill(broker.pid, name) }
  const node: ClusterNode = {
    nodeId: 1,
    bootstrap: broker.bootstrap,
    get pid () { return broker.pid },
    get running () { return running },
    get exited () { return broker.exited },
    async start () {
      broker = await startLocalBroker({ ...brokerOptions, ifRunning: 'fail' })
      running = true
      watch()
    },
    async stop () { await broker.stop() },
    async kill () {
      if (!running) return
      signal('SIGKILL')
      await broker.exited
    },
    pause () { signal('SIGSTOP') },
    resume () { signal('SIGCONT') }
  }
  return { bootstrap: broker.bootstrap, nodes: broker.reused ? [] : [node], reused: broker.reused, quorumLeader: () => 1, stop: async () => broker.stop() }
}
