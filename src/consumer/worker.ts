// One topic's consume loop. Records are read in batches, delivered to the API, and only then is the
// batch's offset committed: a crash before the commit means redelivery, which ids make harmless.
//
// What happens to each record of a batch:
//   stored                    -> nothing more;
//   user/events not stored    -> copied to the retry topic (so this partition is not blocked) until the
//                                retry window is over, then dead-lettered;
//   refused (other 4xx), poison -> dead-lettered at once with the reason;
//   API down or 5xx           -> the whole batch is tried again with backoff, forever; nothing is committed.
import { setTimeout as sleep } from 'node:timers/promises'
import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka'
import type { Logger } from '../config/logger.ts'
import type { Config } from '../config/config.ts'
import { kafkaBrokers } from '../config/config.ts'
import type { EntityName } from '../domain/entities.ts'
import { groupOf } from '../kafka/lag.ts'
import type { EntityTopics } from '../kafka/topics.ts'
import { decodeRecord } from './decode.ts'
import { ApiUnavailableError, type ApiClient, type DeliveryTarget, type Outcome } from './delivery.ts'
import type { WorkerObserver } from './metrics.ts'
import { Headers, type SideProducer, type SideRecord } from './side-topics.ts'

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>

const MAX_RETRY_DELAY_MS = 30_000
const MAX_BULK_BYTES = 8 * 1024 * 1024

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
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      rebalanceTimeout: 30_000,
      retries: 5,
      retryDelay: 500
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
      stream = await consumer.consume({ topics: [topic], autocommit: false, mode: 'committed', fallbackMode: 'earliest', maxWaitTime: 250 })
      log.info({ topic, groupId }, 'consuming')
      options.observer?.consuming(topic, true)
      failures = 0
      const unwatch = watchFetches(stream, consumer, () => log.warn({ topic }, 'consumer stopped fetching; reconnecting'))
      try {
        await consumeStream(stream, options)
      } finally {
        unwatch()
        options.observer?.consuming(topic, false)
      }
    } catch (error) {
      if (signal.aborted) break
      failures++
      log.warn({ err: error, topic }, 'consumer failed; reconnecting')
      await sleep(Math.min(500 * 2 ** failures, 10_000), undefined, { signal }).catch(() => {})
    } finally {
      // The stream first, so the consumer can leave its group cleanly and the partitions move at once.
      await stream?.close().catch((error: unknown) => log.debug({ err: error }, 'stream close failed'))
      await consumer.close().catch((error: unknown) => log.debug({ err: error }, 'consumer close failed'))
    }
  }
}

/**
 * Longest a stream with partitions assigned, not paused here, may go without a fetch. An idle stream
 * fetches every maxWaitTime (250 ms), and a fetch the broker does not answer fails after the client's
 * request timeout (30 s), so this is well past anything healthy.
 */
const STALLED_FETCH_MS = 45_000

/**
 * Fails a stream whose fetching stopped without an error, so runWorker starts again with a new consumer
 * from the last commit. The client skips a broker while a fetch to it is in flight, and only forgets such
 * a fetch when another fetch starts; one whose answer never comes therefore stops the stream for good.
 * Seen in the fault-injection run after a consumer restart: two partitions of a retry topic were never
 * read again, and their records waited until the next restart.
 */
function watchFetches (stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>, consumer: Consumer<Buffer, Buffer, Buffer, Buffer>, onStall: () => void): () => void {
  let lastFetch = Date.now()
  const onFetch = () => { lastFetch = Date.now() }
  stream.on('fetch', onFetch)
  const timer = setInterval(() => {
    const assigned = consumer.assignments?.some((a) => a.partitions.length > 0) === true
    // Paused by the batch reader (the API is slow or down), or nothing to read: not fetching is right.
    if (stream.isPaused() || !assigned) lastFetch = Date.now()
    else if (Date.now() - lastFetch > STALLED_FETCH_MS) {
      onStall()
      stream.destroy(new Error(`no fetch for ${STALLED_FETCH_MS / 1000} s with partitions assigned`))
    }
  }, STALLED_FETCH_MS / 9)
  return () => {
    clearInterval(timer)
    stream.off('fetch', onFetch)
  }
}

async function consumeStream (stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>, options: WorkerOptions): Promise<void> {
  const { signal, config } = options
  const reader = new BatchReader(stream, config.consumer.batchSize)
  while (!signal.aborted) {
    const batch = await reader.next(signal)
    if (batch === undefined) return
    if (options.source === 'retry') await waitUntilDue(batch[0] as KafkaMessage, signal)
    if (signal.aborted) return
    const summary = await processBatch(batch, options)
    if (summary === undefined) return // stopped while the API was down: nothing committed, redelivered later
    await commit(batch, options)
    options.onBatch?.(summary)
  }
}

/**
 * Gathers the stream's records into batches. The stream runs in flowing mode (the client's documented
 * way; its fetch loop only runs while someone listens) and is paused while two batches wait, so memory
 * stays bounded while the API works.
 */
class BatchReader {
  private readonly buffer: KafkaMessage[] = []
  private wake: (() => void) | undefined
  private failure: unknown
  private ended = false

  constructor (private readonly stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>, private readonly max: number) {
    stream.on('data', (message: KafkaMessage) => {
      this.buffer.push(message)
      if (this.buffer.length >= max * 2) stream.pause()
      this.wake?.()
    })
    stream.on('error', (error) => { this.failure = error; this.wake?.() })
    stream.on('close', () => { this.ended = true; this.wake?.() })
    stream.on('end', () => { this.ended = true; this.wake?.() })
  }

  /** Up to max records, waiting for at least one; undefined when the stream ended or we are stopping. */
  async next (signal: AbortSignal): Promise<KafkaMessage[] | undefined> {
    while (this.buffer.length === 0) {
      if (this.failure !== undefined) throw this.failure
      if (this.ended || signal.aborted) return undefined
      await new Promise<void>((resolve) => {
        const done = () => { this.wake = undefined; signal.removeEventListener('abort', done); resolve() }
        this.wake = done
        signal.addEventListener('abort', done)
      })
    }
    const batch = this.buffer.splice(0, this.max)
    if (this.stream.isPaused() && this.buffer.length < this.max) this.stream.resume()
    return batch
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
    else outcomes[index] = { kind: 'refused', status: 0, code: 'POISON', reason: decoded.reason }
  })

  for (const [target, records] of deliverable) {
    for (const chunk of byBytes(records, MAX_BULK_BYTES)) {
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
    const outcome = outcomes[index] as Outcome
    if (outcome.kind === 'stored') {
      summary.stored++
      return
    }
    const origin = {
      [Headers.originalTopic]: header(message, Headers.originalTopic) ?? message.topic,
      [Headers.originalPartition]: header(message, Headers.originalPartition) ?? String(message.partition),
      [Headers.originalOffset]: header(message, Headers.originalOffset) ?? String(message.offset)
    }
    const firstAttemptAt = Number(header(message, Headers.firstAttemptAt) ?? now)
    if (outcome.kind === 'retry-later' && now - firstAttemptAt < options.config.consumer.retryWindowMs) {
      const attempt = Number(header(message, Headers.attempt) ?? 0) + 1
      const delay = Math.min(options.config.consumer.retryDelayMs * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS)
      sideRecords.push({
        topic: topics.retry,
        key: message.key,
        value: message.value,
        headers: { ...origin, [Headers.firstAttemptAt]: String(firstAttemptAt), [Headers.attempt]: String(attempt), [Headers.notBefore]: String(now + delay), [Headers.reason]: outcome.reason }
      })
      summary.retried++
      refusals.push({ code: outcome.code })
      return
    }
    const reason = outcome.kind === 'retry-later'
      ? `${outcome.reason} (still missing after retrying for ${Math.round((now - firstAttemptAt) / 1000)} s)`
      : outcome.reason
    sideRecords.push({
      topic: topics.dlq,
      key: message.key,
      value: message.value,
      headers: { ...origin, [Headers.reason]: reason, [Headers.status]: String(outcome.status), [Headers.code]: outcome.code }
    })
    summary.deadLettered++
    refusals.push({ code: outcome.code, reason })
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
      const delay = Math.min(200 * 2 ** attempt, 10_000)
      options.log.warn({ err: error.message, target, retryInMs: delay }, 'API unavailable; will retry the batch')
      await sleep(delay, undefined, { signal: options.signal }).catch(() => {})
    }
  }
  return undefined
}

/** Commits the highest offset of each partition in the batch. */
async function commit (batch: KafkaMessage[], options: WorkerOptions): Promise<void> {
  const last = new Map<number, KafkaMessage>()
  for (const message of batch) last.set(message.partition, message)
  try {
    await Promise.all([...last.values()].map((message) => message.commit()))
  } catch (error) {
    // Usually a rebalance moved the partition: its new owner re-reads from the last commit, and the
    // idempotent API makes that redelivery harmless.
    options.log.warn({ err: error, entity: options.entity }, 'offset commit failed; records will be redelivered')
  }
}
