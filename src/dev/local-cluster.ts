// A local Kafka cluster on this machine: several KRaft nodes, each broker and controller, forming one
// quorum of voters, on distinct loopback ports with a data folder each (`npm run kafka -- --brokers 3`,
// `npm start -- --brokers 3`, the fault run's --cluster). Each node can be stopped, killed, frozen and
// started again with its data, which is what the cluster's fault run does to it.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { newClusterId, type NodeAddress } from './broker-config.ts'
import { awaitNode, brokerAnswers, LOCAL_BROKER_DEFAULTS, prepareNode, spawnNode, type LocalBroker, type NodeFiles } from './broker-node.ts'
import { fetchKafka } from './kafka-jars.ts'
import { firstPortInUse, freePorts, LOCALHOST } from './ports.ts'
import { LocalBrokerError, requireJava, writeProgress } from './toolchain.ts'

export interface LocalClusterOptions {
  /** How many nodes; every one is a voter of the controller quorum, so an odd number survives one loss. */
  nodes: number
  /** Node n's client port is port + 2(n-1) and its controller port controllerPort + 2(n-1), unless `addresses` names them. */
  port: number
  controllerPort: number
  addresses?: NodeAddress[]
  /** Node n keeps its files in <dataDir>/node-n; the cluster's id is in <dataDir>/cluster.id. */
  dataDir: string
  cacheDir: string
  heap: string
  /** 'reuse': a cluster already answering on every client port is used (and left running by stop()). */
  ifRunning?: 'fail' | 'reuse'
  onOutput?: (nodeId: number, line: string) => void
  onProgress?: (message: string) => void
  readyTimeoutMs?: number
}

export interface ClusterNode {
  nodeId: number
  /** host:port of this node's client listener. */
  bootstrap: string
  pid: number | undefined
  running: boolean
  /** Settles when the current process of the node ends. */
  exited: Promise<number | string | null>
  /** Starts the node again with its data and waits until it answers. */
  start (): Promise<void>
  /** SIGTERM: a controlled shutdown that hands its partitions' leadership over first. */
  stop (): Promise<void>
  /** SIGKILL: the node gets no chance to hand anything over. */
  kill (): Promise<void>
  /** SIGSTOP / SIGCONT: frozen, it keeps its connections and answers nothing. */
  pause (): void
  resume (): void
}

export interface LocalCluster {
  /** Every node's host:port, comma-separated, for BOOTSTRAP_SERVER. */
  bootstrap: string
  nodes: ClusterNode[]
  reused: boolean
  /** The node leading the controller quorum now, as the nodes' quorum-state files say; undefined when none knows. */
  quorumLeader (): number | undefined
  /** Every node, SIGTERM then a wait; safe to call more than once. */
  stop (): Promise<void>
}

/** The nodes' addresses: the ones given, or consecutive pairs of ports from the first node's. */
export function clusterAddresses (options: Pick<LocalClusterOptions, 'nodes' | 'port' | 'controllerPort' | 'addresses'>): NodeAddress[] {
  return options.addresses ?? Array.from({ length: options.nodes }, (_, i) => ({ nodeId: i + 1, port: options.port + 2 * i, controllerPort: options.controllerPort + 2 * i }))
}

/** Addresses for `nodes` nodes on free ports (tests, the fault run), as `addresses` takes them. */
export async function freeNodeAddresses (nodes: number): Promise<NodeAddress[]> {
  const ports = await freePorts(2 * nodes)
  return Array.from({ length: nodes }, (_, i) => ({ nodeId: i + 1, port: ports[2 * i] as number, controllerPort: ports[2 * i + 1] as number }))
}

/** Starts every node side by side (a quorum needs a majority to elect a leader) and waits until each sees all. */
export async function startLocalCluster (options: LocalClusterOptions): Promise<LocalCluster> {
  const progress = options.onProgress ?? writeProgress
  const addresses = clusterAddresses(options)
  const bootstrap = addresses.map((a) => `${LOCALHOST}:${a.port}`).join(',')
  const blocked = await firstPortInUse(addresses.flatMap((a) => [a.port, a.controllerPort]))
  if (blocked !== undefined) {
    const answering = await Promise.all(addresses.map(async (a) => brokerAnswers(`${LOCALHOST}:${a.port}`, undefined, addresses.length)))
    if (options.ifRunning === 'reuse' && answering.every(Boolean)) {
      progress(`a Kafka cluster already answers at ${bootstrap}; using it (it keeps running afterwards)`)
      return { bootstrap, nodes: [], reused: true, quorumLeader: () => undefined, stop: async () => {} }
    }
    throw new LocalBrokerError(`Port ${blocked} on ${LOCALHOST} is already in use: stop what listens there (a broker from another run?) or set KAFKA_PORT and KAFKA_CONTROLLER_PORT to free ports.`)
  }

  requireJava()
  const { version, libsDir } = await fetchKafka(options.cacheDir, progress)
  const clusterId = sharedClusterId(options.dataDir)
  const files = addresses.map((a): NodeFiles => ({ libsDir, dataDir: join(options.dataDir, `node-${a.nodeId}`), heap: options.heap }))
  await Promise.all(addresses.map(async (a, i) => prepareNode(files[i] as NodeFiles, a, addresses, clusterId, progress)))
  progress(`starting a ${addresses.length}-node Apache Kafka ${version} cluster at ${bootstrap} (data in ${options.dataDir})`)
  const readyTimeoutMs = options.readyTimeoutMs ?? LOCAL_BROKER_DEFAULTS.readyTimeoutMs
  const nodes = addresses.map((a, i) => clusterNode(a, files[i] as NodeFiles, readyTimeoutMs, options.onOutput))
  try {
    await Promise.all(nodes.map(async (n) => n.launch(addresses.length)))
  } catch (error) {
    await Promise.all(nodes.map(async (n) => n.stop()))
    throw error
  }
  progress(`Kafka cluster ready at ${bootstrap}`)
  return {
    bootstrap,
    nodes,
    reused: false,
    quorumLeader: () => quorumLeader(files.map((f) => f.dataDir)),
    async stop () { await Promise.all(nodes.map(async (n) => n.stop())) }
  }
}

/** The leader of the newest epoch any node recorded in <logs>/__cluster_metadata-0/quorum-state. */
function quorumLeader (dataDirs: string[]): number | undefined {
  let newest: { leaderId: number, leaderEpoch: number } | undefined
  for (const dir of dataDirs) {
    try {
      const state = JSON.parse(readFileSync(join(dir, 'logs', '__cluster_metadata-0', 'quorum-state'), 'utf8')) as { leaderId: number, leaderEpoch: number }
      if (state.leaderId >= 0 && (newest === undefined || state.leaderEpoch > newest.leaderEpoch)) newest = state
    } catch {
      // Not written yet, or being rewritten: the other nodes' files tell.
    }
  }
  return newest?.leaderId
}

/** The id every node is formatted with, kept beside them so a node formatted later joins the same cluster. */
function sharedClusterId (dataDir: string): string {
  const path = join(resolve(dataDir), 'cluster.id')
  if (existsSync(path)) return readFileSync(path, 'utf8').trim()
  mkdirSync(resolve(dataDir), { recursive: true })
  const id = newClusterId()
  writeFileSync(path, `${id}\n`)
  return id
}

function clusterNode (address: NodeAddress, files: NodeFiles, readyTimeoutMs: number, onOutput?: (nodeId: number, line: string) => void): ClusterNode & { launch (brokers: number): Promise<void> } {
  let jvm: LocalBroker | undefined
  const current = (): LocalBroker => {
    if (jvm === undefined) throw new Error(`Kafka node ${address.nodeId} was never started`)
    return jvm
  }
  let running = false
  const launch = async (brokers: number): Promise<void> => {
    if (running) throw new Error(`Kafka node ${address.nodeId} is already running`)
    jvm = spawnNode(files, address.port, onOutput === undefined ? undefined : (line) => onOutput(address.nodeId, line))
    running = true
    jvm.exited.then(() => { running = false })
    await awaitNode(jvm, files, readyTimeoutMs, brokers)
  }
  const signal = (name: NodeJS.Signals): void => { if (running && jvm?.pid !== undefined) process.kill(jvm.pid, name) }
  return {
    nodeId: address.nodeId,
    bootstrap: `${LOCALHOST}:${address.port}`,
    get pid () { return jvm?.pid },
    get running () { return running },
    get exited () { return current().exited },
    launch,
    // Back in a running cluster it answers once it has caught up, whatever the others do.
    async start () { await launch(1) },
    async stop () { if (jvm !== undefined) await jvm.stop() },
    async kill () {
      if (!running) return
      signal('SIGKILL')
      await current().exited
    },
    pause () { signal('SIGSTOP') },
    resume () { signal('SIGCONT') }
  }
}
