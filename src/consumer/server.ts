// Runs the consumers of the entities in TOPICS: for each, one worker on its topic and one on its retry
// topic, each in its own consumer group so any number of instances share the partitions. Beside them, a
// small HTTP server (CONSUMER_PORT) answers health, readiness, metrics and status, and a lag monitor reads
// the groups' lag from the broker. On SIGTERM the workers finish the batch in hand, commit what was
// stored, and stop.
import closeWithGrace from 'close-with-grace'
import type { Config } from '../config/config.ts'
import { createLogger } from '../config/logger.ts'
import type { ReadinessCheck } from '../http/readiness.ts'
import { guardKafkaClient } from '../kafka/client-guards.ts'
import { createKafkaProbe } from '../kafka/probe.ts'
import { consumerGroups, watchLag } from '../kafka/lag.ts'
import { ENTITIES, ensureTopics, entityTopics } from '../kafka/topics.ts'
import { apiCheck } from './api-check.ts'
import { CONSUMER_DEFAULTS } from './defaults.ts'
import { createApiClient, type InstanceAttempt } from './delivery.ts'
import { buildConsumerHttp } from './http.ts'
import { consumerMetrics } from './metrics.ts'
import { createSideProducer } from '../kafka/side-topics.ts'
import { runWorker, type BatchSummary } from './worker.ts'

export interface ConsumerHandle {
  /** Where the consumer's HTTP endpoints answer. */
  url: string
  /** Stops fetching, lets the batches in hand finish and commit, and closes the clients. */
  stop (): Promise<void>
  done: Promise<void>
}

export async function startConsumers (config: Config, onBatch?: (entity: string, summary: BatchSummary) => void): Promise<ConsumerHandle> {
  guardKafkaClient()
  const log = createLogger(config, 'consumer')
  const entities = config.consumer.entities
  const topics = entities.map((entity) => ({ entity, topics: entityTopics(config.kafka.topicPrefix, entity) }))
  await ensureTopics(config, topics.flatMap((t) => [t.topics.main, t.topics.retry, t.topics.dlq]), 'betting-consumer-admin')

  const metrics = consumerMetrics()
  // Every entity's groups, not only this instance's: the lag of a stopped instance shows on the others.
  const { groups, dlqTopics } = consumerGroups(config, ENTITIES)
  const lag = watchLag(config, groups, dlqTopics, log, metrics.lagRefreshed)
  const kafka = createKafkaProbe(config, 'betting-consumer-probe')
  const readTopics = topics.flatMap((t) => [t.topics.main, t.topics.retry])
  const workersCheck: ReadinessCheck = {
    name: 'workers',
    async probe () {
      const waiting = readTopics.filter((topic) => !metrics.reading().has(topic))
      if (waiting.length > 0) throw new Error(`not yet reading ${waiting.join(', ')}`)
    }
  }
  const apiUrls = config.consumer.apiUrls
  const onAttempt = (attempt: InstanceAttempt) => {
    metrics.apiAnswered(attempt.url, attempt.ok)
    // With a single API the worker's own "API unavailable" warning says it all.
    if (!attempt.changed || apiUrls.length === 1) return
    if (attempt.ok) log.info({ api: attempt.url }, 'API instance answers again: deliveries go to it again')
    else log.warn({ api: attempt.url, reason: attempt.reason, coolDownMs: CONSUMER_DEFAULTS.apiCoolDownMs }, 'API instance unavailable: skipped for the cool-down, its deliveries go to the instances that answer')
  }
  const api = createApiClient(apiUrls, { apiKey: config.consumer.apiKey, coolDownMs: CONSUMER_DEFAULTS.apiCoolDownMs, onAttempt })
  const http = await buildConsumerHttp({
    config, metrics, lag, apiInstances: () => api.instances(), checks: [kafka, apiCheck(apiUrls, CONSUMER_DEFAULTS.apiReadyTimeoutMs), workersCheck], logger: log
  })
  const url = await http.listen({ host: config.host, port: config.consumerPort })

  const side = createSideProducer(config, 'betting-consumer-side')
  const controller = new AbortController()
  const workers = topics.flatMap(({ entity, topics }) => (['main', 'retry'] as const).map((source) => runWorker({
    config,
    entity,
    topics,
    source,
    api,
    side,
    log,
    signal: controller.signal,
    observer: metrics.observer,
    onBatch: onBatch === undefined ? undefined : (summary) => onBatch(entity, summary)
  })))
  log.info({ entities, apiUrls, url }, 'consumers started')

  const done = Promise.allSettled(workers).then(async (results) => {
    for (const r of results) if (r.status === 'rejected') log.error({ err: r.reason }, 'worker stopped with an error')
    await side.close()
    await api.close()
    await lag.stop()
    await kafka.close()
    await http.close()
  })
  return {
    url,
    done,
    async stop () {
      controller.abort()
      await done
    }
  }
}

export async function runConsumers (config: Config): Promise<void> {
  const handle = await startConsumers(config)
  const log = createLogger(config, 'consumer')
  closeWithGrace({ delay: CONSUMER_DEFAULTS.shutdownGraceMs }, async ({ signal, err }) => {
    if (err !== undefined) log.error({ err }, 'stopping after an error')
    log.info({ signal }, 'consumers stopping: finishing the batches in hand')
    await handle.stop()
    log.info('consumers stopped')
  })
}
