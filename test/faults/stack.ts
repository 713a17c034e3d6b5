// The whole stack for the fault-injection run, every part a real process it can hurt: local Kafka (one
// broker, or a three-node cluster) on free ports with its own data folders (so nodes can be stopped and
// started again with their data), the API over SQLite or PostgreSQL, gateways and several consumers, all
// with API keys on. Built with the same builders as `npm start` (src/dev/).
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import pg from 'pg'
import { loadConfig, type Config } from '../../src/config/config.ts'
import { ENTITIES, ensureTopics, entityTopics } from '../../src/kafka/topics.ts'
import { freeNodeAddresses, startLocalKafka, type ClusterNode, type LocalCluster } from '../../src/dev/local-kafka.ts'
import { defineServiceStack } from '../../src/dev/service-stack.ts'
import { POSTGRES_URL, uniqueName, type TestDialect } from '../helpers/database.ts'
import type { ServiceProcess } from '../helpers/service-process.ts'

export interface StackOptions {
  dialect: TestDialect
  /** Broker data, the SQLite file and every service's log go here. */
  workDir: string
  consumers: number
  /** Kafka nodes (1, or 3 for a cluster with three replicas per partition, two in sync). */
  brokers?: number
  apis?: number
  gateways?: number
}

export interface Stack {
  dialect: TestDialect
  config: Config
  /** Every gateway; the load's clients are spread over them. */
  gatewayUrls: string[]
  apiKey: string
  /** The first API instance and gateway; `apis` and `gateways` hold them all. */
  api: ServiceProcess
  gateway: ServiceProcess
  apis: ServiceProcess[]
  gateways: ServiceProcess[]
  consumers: ServiceProcess[]
  /** The Kafka nodes, each of which can be stopped, killed, frozen and started again. */
  kafka: LocalCluster
  /** Stops every Kafka node (SIGTERM, a clean shutdown); their data stays for startBroker. */
  stopBroker (): Promise<void>
  startBroker (): Promise<void>
  /** SIGSTOP on every node: Kafka keeps its connections but answers nothing until resumeBroker (SIGCONT). */
  pauseBroker (): void
  resumeBroker (): void
  /** Every service, then Kafka, then the PostgreSQL schema (kept when `keepData`). */
  close (keepData?: boolean): Promise<void>
}

export async function startStack (options: StackOptions): Promise<Stack> {
  const { dialect, workDir } = options
  const brokers = options.brokers ?? 1
  const defaults = loadConfig({})
  const kafka = await startLocalKafka({
    nodes: brokers,
    port: 0,
    controllerPort: 0,
    addresses: await freeNodeAddresses(brokers),
    dataDir: join(workDir, 'kafka'),
    cacheDir: defaults.kafka.cacheDir,
    // Three JVMs share two cores with the services: a smaller heap each is plenty for the run's records.
    heap: brokers === 1 ? defaults.kafka.heap : '384m',
    onProgress: () => {}
  })

  const schema = uniqueName('faults').toLowerCase()
  const database: Record<string, string> = dialect === 'sqlite'
    ? { DATABASE_URL: `sqlite:${join(workDir, 'betting.sqlite')}` }
    : { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema }
  const apiKey = randomBytes(18).toString('base64url')
  const env: Record<string, string> = {
    ...database,
    API_KEYS: apiKey,
    // info: the run's logs show each worker joining its group again after a restart.
    LOG_LEVEL: 'info',
    RETRY_DELAY_MS: '200',
    // Every coupon names a user and events the gateway acknowledged, so it must be stored however late
    // they arrive: a window longer than any run means a dead-lettered coupon is a bug, not bad luck.
    RETRY_WINDOW_MS: String(3_600_000),
    TOPIC_PARTITIONS: '3'
  }
  const services = await defineServiceStack({
    bootstrap: kafka.bootstrap,
    env,
    apis: options.apis ?? 1,
    gateways: options.gateways ?? 1,
    consumers: options.consumers,
    logDir: workDir
  })
  const config = loadConfig({ ...env, BOOTSTRAP_SERVER: kafka.bootstrap })
  await ensureTopics(config, ENTITIES.flatMap((e) => Object.values(entityTopics('', e))), 'faults-admin')
  try {
    await services.start()
  } catch (error) {
    await kafka.stop()
    throw error
  }

  const everyNode = async (act: (node: ClusterNode) => Promise<void>) => { await Promise.all(kafka.nodes.map(act)) }
  return {
    dialect,
    config,
    gatewayUrls: services.gatewayUrls,
    apiKey,
    api: services.apis[0] as ServiceProcess,
    gateway: services.gateways[0] as ServiceProcess,
    apis: services.apis,
    gateways: services.gateways,
    consumers: services.consumers,
    kafka,
    stopBroker: async () => everyNode(async (node) => node.stop()),
    // A cluster's nodes come back side by side: each needs a majority of the quorum to finish starting.
    startBroker: async () => everyNode(async (node) => node.start()),
    pauseBroker () { for (const node of kafka.nodes) node.pause() },
    resumeBroker () { for (const node of kafka.nodes) node.resume() },
    async close (keepData = false) {
      for (const node of kafka.nodes) node.resume()
      await services.stop()
      await kafka.stop()
      if (dialect === 'postgres' && !keepData) {
        const client = new pg.Client({ connectionString: POSTGRES_URL })
        await client.connect()
        await client.query(`drop schema if exists "${schema}" cascade`)
        await client.end()
      }
    }
  }
}
