// A whole pipeline for one test: the API over a fresh database, the gateway and the consumers, on the
// run's real Kafka broker, with topics and consumer groups of its own (a unique prefix).
import { Admin, Consumer } from '@platformatic/kafka'
import { buildApi, type Api } from '../../src/api/app.ts'
import { loadConfig, type Config, type Env } from '../../src/config/config.ts'
import { startConsumers, type ConsumerHandle } from '../../src/consumer/server.ts'
import type { BatchSummary } from '../../src/consumer/worker.ts'
import type { EntityName } from '../../src/domain/entities.ts'
import { createIdGenerator } from '../../src/domain/ids.ts'
import { buildGateway } from '../../src/gateway/app.ts'
import { createRecordProducer, type RecordProducer } from '../../src/gateway/producer.ts'
import { ENTITIES, ensureTopics, entityTopics } from '../../src/kafka/topics.ts'
import { createTestDatabase, type TestDatabase, type TestDialect, uniqueName } from './database.ts'
import { kafkaBootstrap } from './kafka.ts'

export interface DeadLetter { key: string, value: string, headers: Record<string, string> }

export interface Pipeline {
  config: Config
  db: TestDatabase
  api: Api
  apiUrl: string
  /** Every API instance over the pipeline's database (the first is `api`); the consumers' API_URL lists them all. */
  apis: Api[]
  apiUrls: string[]
  gatewayUrl: string
  consumers: ConsumerHandle[]
  /** Batches each consumer instance committed, by instance index. */
  batches: Array<Array<{ entity: string, summary: BatchSummary }>>
  /** Another consumer instance in the same groups; `overrides` on top of the pipeline's (e.g. another API_KEY). */
  startConsumer (overrides?: Partial<Env>): Promise<ConsumerHandle>
  post (path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number, body: any }>
  /** PUT to the gateway. */
  put (path: string, body: unknown): Promise<{ status: number, body: any }>
  deadLetters (entity: EntityName, atLeast: number, timeoutMs?: number): Promise<DeadLetter[]>
  close (): Promise<void>
}

export interface PipelineOptions {
  /** API instances over the one database, each on its own port (default 1). */
  apiInstances?: number
}

export async function startPipeline (dialect: TestDialect, overrides: Partial<Env> = {}, options: PipelineOptions = {}): Promise<Pipeline> {
  const prefix = `${uniqueName('e2e')}-`
  // The API gets the same overrides, so settings they share (API_KEYS) hold across the pipeline.
  const db = await createTestDatabase(dialect, overrides)
  const baseEnv = {
    ...db.env,
    LOG_LEVEL: 'warn' as const,
    BOOTSTRAP_SERVER: kafkaBootstrap(),
    TOPIC_PREFIX: prefix,
    CONSUMER_GROUP_PREFIX: prefix.slice(0, -1),
    RETRY_DELAY_MS: '200',
    // Any free port: several consumer instances of one test each get their own.
    CONSUMER_PORT: '0'
  }
  const apis: Api[] = []
  const apiUrls: string[] = []
  for (let i = 0; i < (options.apiInstances ?? 1); i++) {
    const instance = await buildApi({ config: db.config, database: db.database, logger: false })
    apis.push(instance)
    apiUrls.push(await instance.listen({ host: '127.0.0.1', port: 0 }))
  }
  const api = apis[0] as Api
  const apiUrl = apiUrls[0] as string
  const config = loadConfig({ ...baseEnv, API_URL: apiUrls.join(',') }, overrides)
  const topics = ENTITIES.flatMap((e) => Object.values(entityTopics(prefix, e)))
  await ensureTopics(config, topics, 'e2e-admin')
  await waitForLeaders(config, topics)

  const producer: RecordProducer = createRecordProducer(config, 'e2e-gateway')
  const gateway = await buildGateway({ config, producer, nextId: createIdGenerator(-1), logger: false })
  const gatewayUrl = await gateway.listen({ host: '127.0.0.1', port: 0 })

  const consumers: ConsumerHandle[] = []
  const batches: Pipeline['batches'] = []
  async function startConsumer (extra: Partial<Env> = {}): Promise<ConsumerHandle> {
    const log: Pipeline['batches'][number] = []
    batches.push(log)
    const consumerConfig = loadConfig({ ...baseEnv, API_URL: apiUrls.join(',') }, { ...overrides, ...extra })
    const handle = await startConsumers(consumerConfig, (entity, summary) => log.push({ entity, summary }))
    consumers.push(handle)
    return handle
  }
  await startConsumer()

  return {
    config,
    db,
    api,
    apiUrl,
    apis,
    apiUrls,
    gatewayUrl,
    consumers,
    batches,
    startConsumer,
    async post (path, body, headers = {}) {
      const res = await fetch(`${gatewayUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
      return { status: res.status, body: await res.json() }
    },
    async put (path, body) {
      const res = await fetch(`${gatewayUrl}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      return { status: res.status, body: await res.json() }
    },
    async deadLetters (entity, atLeast, timeoutMs = 30_000) {
      return readTopic(config, entityTopics(prefix, entity).dlq, atLeast, timeoutMs)
    },
    async close () {
      await Promise.all(consumers.map((c) => c.stop()))
      await gateway.close()
      await producer.close()
      // An instance a test closed already is closed again harmlessly.
      await Promise.all(apis.map(async (instance) => instance.close()))
      await db.drop()
    }
  }
}

/**
 * A topic just created may not have partition leaders yet; on a loaded machine the first produce could
 * then fail. The tests are about the pipeline, not about topic creation, so they start once leaders exist.
 */
export async function waitForLeaders (config: Config, topics: string[]): Promise<void> {
  const admin = new Admin({ clientId: 'e2e-leaders', bootstrapBrokers: config.kafka.bootstrapServers })
  try {
    await eventually(async () => {
      const metadata = await admin.metadata({ topics, forceUpdate: true })
      return topics.every((t) => metadata.topics.get(t)?.partitions.every((p) => p.leader >= 0) === true)
    }, (ready) => ready, 30_000)
  } finally {
    await admin.close()
  }
}

/** Reads a topic from the beginning with a fresh group until `atLeast` records arrived or time is up. */
export async function readTopic (config: Config, topic: string, atLeast: number, timeoutMs: number): Promise<DeadLetter[]> {
  const consumer = new Consumer({ clientId: 'e2e-reader', groupId: uniqueName('reader'), bootstrapBrokers: config.kafka.bootstrapServers })
  // A failed request of the reader's (a loaded broker) must fail this read, not end the test run unheard.
  let failure: unknown
  consumer.on('error', (error: unknown) => { failure ??= error })
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', maxWaitTime: 200 })
  stream.on('error', (error: unknown) => { failure ??= error })
  const records: DeadLetter[] = []
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs)
      stream.on('data', (message) => {
        const headers: Record<string, string> = {}
        for (const [k, v] of message.headers) headers[k.toString()] = v.toString()
        records.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers })
        if (records.length >= atLeast) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
  } finally {
    await stream.close().catch(() => {})
    await consumer.close().catch(() => {})
  }
  if (failure !== undefined && records.length < atLeast) throw new Error(`reading ${topic} failed: ${String(failure)}`)
  return records
}

/** Polls until check() is true; fails with the last observed state after the timeout. */
export async function eventually<T> (observe: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let value = await observe()
  while (!check(value)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
    value = await observe()
  }
  return value
}
