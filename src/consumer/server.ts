// Runs the consumers of the entities in TOPICS: for each, one worker on its topic and one on its retry
// topic, each in its own consumer group so any number of instances share the partitions. On SIGTERM the
// workers finish the batch in hand, commit what was stored, and stop.
import closeWithGrace from 'close-with-grace'
import type { Config } from '../config/config.ts'
import { createLogger } from '../config/logger.ts'
import { guardKafkaClient } from '../kafka/client-guards.ts'
import { ensureTopics, entityTopics } from '../kafka/topics.ts'
import { createApiClient } from './delivery.ts'
import { createSideProducer } from './side-topics.ts'
import { runWorker, type BatchSummary } from './worker.ts'

export interface ConsumerHandle {
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

  const api = createApiClient(config.consumer.apiUrl, config.consumer.apiKey)
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
    onBatch: onBatch === undefined ? undefined : (summary) => onBatch(entity, summary)
  })))
  log.info({ entities, apiUrl: config.consumer.apiUrl }, 'consumers started')

  const done = Promise.allSettled(workers).then(async (results) => {
    for (const r of results) if (r.status === 'rejected') log.error({ err: r.reason }, 'worker stopped with an error')
    await side.close()
    await api.close()
  })
  return {
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
  closeWithGrace({ delay: 30_000 }, async ({ signal, err }) => {
    if (err !== undefined) log.error({ err }, 'stopping after an error')
    log.info({ signal }, 'consumers stopping: finishing the batches in hand')
    await handle.stop()
    log.info('consumers stopped')
  })
}
