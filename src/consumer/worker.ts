// One topic's consume loop. Records are read in batches, delivered to the API, and only then is the
// batch's offset committed: a crash before the commit means redelivery, which ids make harmless.
//
// What happens to each record of a batch (decided in routing.ts):
//   stored                    -> nothing more;
//   user/events not stored    -> copied to the retry topic (so this partition is not blocked) until the
//                                retry window is over, then dead-lettered;
//   refused (other 4xx), poison -> dead-lettered at once with the reason;
//   API down or 5xx           -> the same records go to the next API instance of API_URL (delivery.ts); when
//                                none answers, the whole batch is tried again with backoff, forever; nothing
//                                is committed meanwhile.
import { setTimeout as sleep } from 'node:timers/promises'
import { Consumer, type MessagesStream } from '@platformatic/kafka'
import type { Logger } from '../config/logger.ts'
import type { Config } from '../config/config.ts'
import { kafkaBrokers } from '../config/config.ts'
import type { EntityName } from '../domain/entities.ts'
import { ErrorCodes } from '../domain/errors.ts'
import { groupOf } from '../kafka/lag.ts'
import type { EntityTopics } from '../kafka/topics.ts'
import { decodeRecord } from './decode.ts'
import { CONSUMER_DEFAULTS } from './defaults.ts'
import { ApiUnavailableError, type ApiClient, type DeliveryTarget, type Outcome } from './delivery.ts'
import type { WorkerObserver } from './metrics.ts'
import { BatchReader, type KafkaMessage } from './batch-reader.ts'
import { COMMIT_CHECK_MS, DeliveredOffsets } from './commits.ts'
import { commitDelivered, commitWhatFellBehind, type CommitContext } from './committer.ts'
import { watchFetches } from './fetch-watch.ts'
import { route } from './routing.ts'
import { Headers, type SideProducer, type SideRecord } from '../kafka/side-topics.ts'

export interface WorkerOptions {
  config: Config
  entity: EntityName
  topics: EntityTopics
  /** 'main' reads the entity's topic; 'retry' reads its retry topic and waits for each record's due time. */
  source: 'main' | 'retry'
  api: ApiClient
  side: SideProducer
  log: Logger
  signal: AbortSignal
  /** Called after each committed batch (tests). */
  onBatch?: (summary: BatchSummary) => void
  /** Told of every record's outcome and every delivery (metrics). */
  observer?: WorkerObserver
}

export interface BatchSummary { source: 'main' | 'retry', records: number, stored: number, retried: number, deadLettered: number }

export async function runWorker (options: WorkerOptions): Promise<void> {
  const { config, topics, source, log, signal } = options
  const topic = source === 'main' ? topics.main : topics.retry
  const groupId = groupOf(config, topic)
  let failures = 0
  while (!signal.aborted) {
    const consumer = new Consumer({
      clientId: `betting-consumer-${topic}`,
      groupId,
      bootstrapBrokers: kafkaBrokers(config),
      sessionTimeout: CONSUMER_DEFAULTS.sessionTimeoutMs,
      heartbeatInterval: CONSUMER_DEFAULTS.heartbeatIntervalMs,
      rebalanceTimeout: CONSUMER_DEFAULTS.rebalanceTimeoutMs,
      retries: CONSUMER_DEFAULTS.kafkaRetries,
      retryDelay: CONSUMER_DEFAULTS.kafkaRetryDelayMs
    })
    let stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined
    // The client reports a group it could not rejoin (the broker was away too long) as an 'error' event on
    // the consumer itself, not on the stream; unheard, that event ends the process. Failing the stream
    // instead sends this loop round to a new consumer, which resumes from the last commit.
    consumer.on('error', (error: Error) => {
      log.warn({ err: error, topic }, 'consumer lost its group; reconnecting')
      stream?.destroy(error)
    })
    try {
      // 'committed' resumes where the group left off; a new group starts at the earliest record, so
      // records produced before any consumer ran are not skipped.
      stream = await consumer.consume({ topics: [topic], autocommit: false, mode: 'committed', fallbackMode: 'earliest', maxWaitTime: CONSUMER_DEFAULTS.fetchMaxWaitMs })
      log.info({ topic, groupId }, 'consuming')
      options.observer?.consuming(topic, true)
      failures = 0
      const unwatch = watchFetches(stream, consumer, () => log.warn({ topic }, 'consumer stopped fetching; reconnecting'))
      try {
        await consumeStream(stream, consumer, options)
      } finally {
        unwatch()
        options.observer?.consuming(topic, false)
      }
    } catch (error) {
      if (signal.aborted) break
      failures++
      log.warn({ err: error, topic }, 'consumer failed; reconnecting')
      const delay = Math.min(CONSUMER_DEFAULTS.reconnectDelayMs * 2 ** failures, CONSUMER_DEFAULTS.reconnectMaxDelayMs)
      await sleep(delay, undefined, { signal }).catch(() => {})
    } finally {
      // The stream first, so the consumer can leave its group cleanly and the partitions move at once.
      await stream?.close().catch((error: unknown) => log.debug({ err: error }, 'stream close failed'))
      await consumer.close().catch((error: unknown) => log.debug({ err: error }, 'consumer close failed'))
    }
  }
}

async function consumeStream (stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>, consumer: Consumer<Buffer, Buffer, Buffer, Buffer>, options: WorkerOptions): Promise<void> {
  const { signal, config } = options
  const reader = new BatchReader(stream, config.consumer.batchSize)
  const delivered = new DeliveredOffsets<KafkaMessage>()
  let checked = Date.now()
  while (!signal.aborted) {
    // Woken when idle too, so a group offset left behind is seen to even when nothing more arrives.
    const batch = await reader.next(signal, COMMIT_CHECK_MS)
    if (batch === undefined) return
    if (batch.length > 0) {
      if (options.source === 'retry') await waitUntilDue(batch[0] as KafkaMessage, signal)
      if (signal.aborted) return
      const summary = await processBatch(batch, options)
      if (summary === undefined) return // stopped while the API was down: nothing committed, redelivered later
      await commitDelivered(delivered.note(batch), consumer, committing(options))
      options.onBatch?.(summary)
    }
    if (Date.now() - checked >= COMMIT_CHECK_MS && !signal.aborted) {
      await commitWhatFellBehind(delivered, consumer, committing(options))
      checked = Date.now()
    }
  }
}

function header (message: KafkaMessage, name: string): string | undefined {
  for (const [key, value] of message.headers) if (key.toString() === name) return value.toString()
  return undefined
}

async function waitUntilDue (message: KafkaMessage, signal: AbortSignal): Promise<void> {
  const due = Number(header(message, Headers.notBefore) ?? 0)
  const wait = due - Date.now()
  if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => {})
}

async function processBatch (batch: KafkaMessage[], options: WorkerOptions): Promise<BatchSummary | undefined> {
  const { entity, topics, signal, observer } = options
  const read = options.source === 'main' ? topics.main : topics.retry
  observer?.consumed(read, batch.length)
  const outcomes: Array<Outcome | undefined> = new Array(batch.length)
  // Records first, then responsible-gambling changes (users topic only), so that a change finds a user
  // stored by the same batch; each keeps its order within its target.
  const deliverable = new Map<DeliveryTarget, Array<{ index: number, value: unknown, bytes: number }>>([[entity, []], ['responsible-gambling', []]])
  batch.forEach((message, index) => {
    const decoded = decodeRecord(message.value, entity)
    if (decoded.ok) deliverable.get(decoded.target)?.push({ index, value: decoded.value, bytes: message.value?.length ?? 0 })
    else outcomes[index] = { kind: 'refused', status: 0, code: ErrorCodes.poison, reason: decoded.reason }
  })

  for (const [target, records] of deliverable) {
    for (const chunk of byBytes(records, CONSUMER_DEFAULTS.maxBulkBytes)) {
      const answers = await deliverWithBackoff(options, target, chunk.map((d) => d.value))
      if (answers === undefined) return undefined
      chunk.forEach((d, i) => { outcomes[d.index] = answers[i] })
    }
  }

  const sideRecords: SideRecord[] = []
  // Told to the observer once the side records are written, so a batch read again is not counted twice.
  const refusals: Array<{ code: string, reason?: string }> = []
  const summary: BatchSummary = { source: options.source, records: batch.length, stored: 0, retried: 0, deadLettered: 0 }
  const now = Date.now()
  batch.forEach((message, index) => {
    const next = route(outcomes[index] as Outcome, {
      topic: message.topic, partition: message.partition, offset: message.offset, header: (name) => header(message, name)
    }, now, options.config.consumer)
    if (next.to === 'stored') {
      summary.stored++
    } else if (next.to === 'retry') {
      sideRecords.push({ topic: topics.retry, key: message.key, value: message.value, headers: next.headers })
      summary.retried++
      refusals.push({ code: next.code })
    } else {
      sideRecords.push({ topic: topics.dlq, key: message.key, value: message.value, headers: next.headers })
      summary.deadLettered++
      refusals.push({ code: next.code, reason: next.reason })
    }
  })
  if (signal.aborted && sideRecords.length > 0) return undefined
  await options.side.send(sideRecords)
  observer?.stored(read, summary.stored)
  for (const { code, reason } of refusals) {
    if (reason === undefined) observer?.retried(read, code)
    else observer?.deadLettered(read, topics.dlq, code, reason)
  }
  if (summary.deadLettered > 0) options.log.warn({ entity, deadLettered: summary.deadLettered }, 'records dead-lettered')
  return summary
}

function * byBytes<T extends { bytes: number }> (items: T[], maxBytes: number): Generator<T[]> {
  let chunk: T[] = []
  let bytes = 0
  for (const item of items) {
    if (chunk.length > 0 && bytes + item.bytes > maxBytes) {
      yield chunk
      chunk = []
      bytes = 0
    }
    chunk.push(item)
    bytes += item.bytes
  }
  if (chunk.length > 0) yield chunk
}

/** Retries while the API is unavailable, with capped exponential backoff; undefined when asked to stop. */
async function deliverWithBackoff (options: WorkerOptions, target: DeliveryTarget, values: unknown[]): Promise<Outcome[] | undefined> {
  for (let attempt = 0; !options.signal.aborted; attempt++) {
    try {
      const started = performance.now()
      const outcomes = await options.api.deliver(target, values)
      options.observer?.delivered(target, (performance.now() - started) / 1000)
      return outcomes
    } catch (error) {
      if (!(error instanceof ApiUnavailableError)) throw error
      const delay = Math.min(CONSUMER_DEFAULTS.apiRetryDelayMs * 2 ** attempt, CONSUMER_DEFAULTS.apiMaxRetryDelayMs)
      options.log.warn({ err: error.message, target, retryInMs: delay }, 'API unavailable; will retry the batch')
      await sleep(delay, undefined, { signal: options.signal }).catch(() => {})
    }
  }
  return undefined
}

/** What the commits need to know of a worker: its topic and where to log. */
function committing (options: WorkerOptions): CommitContext {
  return { topic: options.source === 'main' ? options.topics.main : options.topics.retry, entity: options.entity, log: options.log }
}
