// The whole stack for the fault-injection run, every part a real process it can hurt: a local Kafka broker
// on free ports with its own data folder (so it can be stopped and started again with its data), the API
// over SQLite or PostgreSQL, the gateway and several consumers, all with API keys on.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import pg from 'pg'
import { loadConfig, type Config } from '../../src/config/config.ts'
import { ENTITIES, ensureTopics, entityTopics } from '../../src/kafka/topics.ts'
import { startLocalBroker, type LocalBroker } from '../../src/dev/local-broker.ts'
import { freePorts } from '../../src/dev/ports.ts'
import { POSTGRES_URL, uniqueName, type TestDialect } from '../helpers/database.ts'
import { ServiceProcess } from '../helpers/service-process.ts'

export interface StackOptions {
  dialect: TestDialect
  /** Broker data, the SQLite file and every service's log go here. */
  workDir: string
  consumers: number
}

export interface Stack {
  dialect: TestDialect
  config: Config
  gatewayUrl: string
  apiKey: string
  api: ServiceProcess
  gateway: ServiceProcess
  consumers: ServiceProcess[]
  /** Stops the broker (SIGTERM, a clean shutdown); its data stays for startBroker. */
  stopBroker (): Promise<void>
  startBroker (): Promise<void>
  /** SIGSTOP: the broker keeps its connections but answers nothing until resumeBroker (SIGCONT). */
  pauseBroker (): void
  resumeBroker (): void
  /** Every service, then the broker, then the PostgreSQL schema (kept when `keepData`). */
  close (keepData?: boolean): Promise<void>
}

export async function startStack ({ dialect, workDir, consumers: consumerCount }: StackOptions): Promise<Stack> {
  const [kafkaPort, controllerPort, apiPort, gatewayPort] = await freePorts(4)
  const defaults = loadConfig({})
  const brokerOptions = {
    port: kafkaPort as number,
    controllerPort: controllerPort as number,
    dataDir: join(workDir, 'kafka'),
    cacheDir: defaults.kafka.cacheDir,
    heap: defaults.kafka.heap,
    onProgress: () => {}
  }
  let broker: LocalBroker | undefined = await startLocalBroker(brokerOptions)

  const schema = uniqueName('faults').toLowerCase()
  const database: Record<string, string> = dialect === 'sqlite'
    ? { DATABASE_URL: `sqlite:${join(workDir, 'betting.sqlite')}` }
    : { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema }
  const apiKey = randomBytes(18).toString('base64url')
  const env: Record<string, string> = {
    ...database,
    BOOTSTRAP_SERVER: broker.bootstrap,
    PORT: String(apiPort),
    PRODUCER_PORT: String(gatewayPort),
    API_URL: `http://127.0.0.1:${String(apiPort)}`,
    API_KEYS: apiKey,
    // info: the run's logs show each worker joining its group again after a restart.
    LOG_LEVEL: 'info',
    RETRY_DELAY_MS: '200',
    // Every coupon names a user and events the gateway acknowledged, so it must be stored however late
    // they arrive: a window longer than any run means a dead-lettered coupon is a bug, not bad luck.
    RETRY_WINDOW_MS: String(3_600_000),
    TOPIC_PARTITIONS: '3'
  }
  const config = loadConfig(env)
  await ensureTopics(config, ENTITIES.flatMap((e) => Object.values(entityTopics('', e))), 'faults-admin')

  const service = (name: string, command: 'api' | 'gateway' | 'consumer', instance: number) =>
    new ServiceProcess({ name, command, env: { ...env, INSTANCE_ID: String(instance) }, logFile: join(workDir, `${name}.log`) })
  const api = service('api', 'api', 1)
  const gateway = service('gateway', 'gateway', 2)
  const consumers = Array.from({ length: consumerCount }, (_, i) => service(`consumer-${i + 1}`, 'consumer', 10 + i))
  // Independent of each other (consumers retry until the API answers), so they start side by side.
  const started = await Promise.allSettled([api, gateway, ...consumers].map((s) => s.start()))
  const failed = started.find((r) => r.status === 'rejected')
  if (failed !== undefined) {
    await Promise.all([api, gateway, ...consumers].map(async (s) => s.running ? s.kill() : undefined))
    await broker.stop()
    throw failed.reason
  }

  return {
    dialect,
    config,
    gatewayUrl: `http://127.0.0.1:${String(gatewayPort)}`,
    apiKey,
    api,
    gateway,
    consumers,
    async stopBroker () {
      await broker?.stop()
      broker = undefined
    },
    async startBroker () {
      broker = await startLocalBroker(brokerOptions)
    },
    pauseBroker () {
      if (broker?.pid !== undefined) process.kill(broker.pid, 'SIGSTOP')
    },
    resumeBroker () {
      if (broker?.pid !== undefined) process.kill(broker.pid, 'SIGCONT')
    },
    async close (keepData = false) {
      if (broker?.pid !== undefined) process.kill(broker.pid, 'SIGCONT')
      for (const s of [gateway, ...consumers, api]) if (s.running) await s.stop()
      await broker?.stop()
      if (dialect === 'postgres' && !keepData) {
        const client = new pg.Client({ connectionString: POSTGRES_URL })
        await client.connect()
        await client.query(`drop schema if exists "${schema}" cascade`)
        await client.end()
      }
    }
  }
}
