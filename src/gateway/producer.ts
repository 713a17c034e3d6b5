// The gateway's Kafka producers: idempotent, acks from all in-sync replicas, keyed by id, one per topic.
// Concurrent requests are coalesced: while one produce request is in flight for a topic, the records of
// later requests queue and leave together in the next one (group commit), so throughput grows with load
// while a lone request still goes out at once.
//
// What a failed produce request means decides what the client is told. A request that never left is
// refused (KafkaUnavailableError, 503). A request that left and got no answer (the broker stopped, hung or
// dropped the connection) may have been written: it is sent again, unchanged, by the same idempotent
// producer, whose sequence numbers make the broker answer a copy it already wrote with the first write's
// offsets, until the broker answers. Only then are its clients answered (202). If the broker stays away
// longer than the request timeout, they get KafkaOutcomeUnknownError (504: retry with the same id) and
// the topic gets a new producer, because the old one's next request would reuse the sequence numbers of
// the abandoned one and the broker would take it for that copy: acknowledged, and never written.
// While a topic's request is unresolved, new records for it are refused at once instead of queueing.
import { setTimeout as sleep } from 'node:timers/promises'
import { defaultPartitioner, Producer, ProduceAcks, stringSerializers } from '@platformatic/kafka'
import type { Config } from '../config/config.ts'
import { kafkaBrokers } from '../config/config.ts'
import type { Logger } from '../config/logger.ts'
import { CodedError, ErrorCodes } from '../domain/errors.ts'
import { guardKafkaClient } from '../kafka/client-guards.ts'
import { GATEWAY_DEFAULTS } from './defaults.ts'

export interface OutgoingRecord { key: string, value: string }
export interface Acknowledgement { partition: number, offset: number }

export interface RecordProducer {
  /**
   * Resolves once Kafka acknowledged every record; one acknowledgement per record, in order. Rejects with
   * KafkaUnavailableError when none of them was sent, KafkaOutcomeUnknownError when that is not known.
   */
  send (topic: string, records: OutgoingRecord[]): Promise<Acknowledgement[]>
  /** Refuses new records, lets queued and unresolved ones be answered, then closes the producers. */
  close (): Promise<void>
}

/** The records were not written to Kafka: the client may send them again, or elsewhere. */
export class KafkaUnavailableError extends CodedError {
  override name = 'KafkaUnavailableError'
  constructor (message: string, options?: ErrorOptions) {
    super(ErrorCodes.kafkaUnavailable, message, true, options)
  }
}

/** The records may or may not have been written: the client must send them again with the same ids. */
export class KafkaOutcomeUnknownError extends CodedError {
  override name = 'KafkaOutcomeUnknownError'
  constructor (message: string, options?: ErrorOptions) {
    super(ErrorCodes.kafkaOutcomeUnknown, message, true, options)
  }
}

interface Pending { records: OutgoingRecord[], resolve: (acks: Acknowledgement[]) => void, reject: (error: unknown) => void }

interface TopicQueue {
  pending: Pending[]
  flushing: boolean
  /** A request that may have been written is being sent again; new records are refused meanwhile. */
  unresolved: boolean
  producer: StringProducer | undefined
}

type StringProducer = Producer<string, string, string, string>

/** Where the producer says when a topic stops and starts being written (not once per refused record). */
type ProducerLog = Pick<Logger, 'warn' | 'info'>

export function createRecordProducer (config: Config, clientId = 'betting-gateway', log?: ProducerLog): RecordProducer {
  guardKafkaClient()
  const holdMs = config.security.requestTimeoutMs
  // A request the broker does not answer must fail well before the client's own timeout, so an unresolved
  // request can be sent again a few times within it.
  const requestTimeout = Math.min(
    GATEWAY_DEFAULTS.maxKafkaRequestTimeoutMs,
    Math.max(GATEWAY_DEFAULTS.minKafkaRequestTimeoutMs, Math.floor(holdMs / GATEWAY_DEFAULTS.requestTimeoutShare))
  )
  const newProducer = (topic: string): StringProducer => new Producer({
    clientId: `${clientId}-${topic}`,
    bootstrapBrokers: kafkaBrokers(config),
    serializers: stringSerializers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    timeout: GATEWAY_DEFAULTS.produceTimeoutMs,
    requestTimeout,
    retries: GATEWAY_DEFAULTS.producerRetries,
    retryDelay: GATEWAY_DEFAULTS.producerRetryDelayMs
  })
  const queues = new Map<string, TopicQueue>()
  let closing = false

  /** Sends records with explicit partitions, so each record's offset can be told from the per-partition base offsets. */
  async function produce (producer: StringProducer, topic: string, records: OutgoingRecord[]): Promise<Acknowledgement[]> {
    let partitions: number
    try {
      const metadata = await producer.metadata({ topics: [topic] })
      partitions = metadata.topics.get(topic)?.partitionsCount ?? 1
    } catch (error) {
      // Nothing was sent yet: a plain refusal.
      throw new KafkaUnavailableError('Kafka is unreachable', { cause: error })
    }
    const messages = records.map((r) => ({
      topic,
      key: r.key,
      value: r.value,
      partition: defaultPartitioner(undefined as never, Buffer.from(r.key)) % partitions
    }))
    const result = await producer.send({ messages })
    const base = new Map((result.offsets ?? []).map((o) => [o.partition, Number(o.offset)]))
    const seen = new Map<number, number>()
    return messages.map(({ partition }) => {
      const index = seen.get(partition) ?? 0
      seen.set(partition, index + 1)
      const first = base.get(partition)
      if (first === undefined) throw new Error(`Kafka did not acknowledge ${topic} partition ${partition}`)
      return { partition, offset: first + index }
    })
  }

  function replaceProducer (queue: TopicQueue): void {
    queue.producer?.close().catch(() => {})
    queue.producer = undefined
  }

  /** Sends one batch until Kafka answers, or until it is known not to have been sent, or the hold is over. */
  async function sendResolved (topic: string, queue: TopicQueue, records: OutgoingRecord[]): Promise<Acknowledgement[]> {
    const deadline = Date.now() + holdMs
    try {
      for (;;) {
        queue.producer ??= newProducer(topic)
        try {
          const acks = await produce(queue.producer, topic, records)
          if (queue.unresolved) log?.info({ topic }, 'Kafka answered the unanswered request: accepting records again')
          return acks
        } catch (error) {
          // Only the first attempt can prove nothing was written; later ones say nothing about the first.
          if (error instanceof KafkaUnavailableError && !queue.unresolved) throw error
          if (!queue.unresolved) {
            queue.unresolved = true
            log?.warn({ err: error, topic, records: records.length }, 'produce request unanswered: sending it again until Kafka answers; new records refused meanwhile')
            for (const p of queue.pending.splice(0)) p.reject(new KafkaUnavailableError('Kafka is unreachable', { cause: error }))
          }
          if (Date.now() + GATEWAY_DEFAULTS.resendDelayMs >= deadline) {
            log?.warn({ topic, records: records.length }, 'produce request still unanswered at the request timeout: its outcome is unknown to the clients; new producer')
            replaceProducer(queue)
            throw new KafkaOutcomeUnknownError('Kafka did not answer whether it wrote the records', { cause: error })
          }
          await sleep(GATEWAY_DEFAULTS.resendDelayMs)
        }
      }
    } finally {
      queue.unresolved = false
    }
  }

  async function flush (topic: string, queue: TopicQueue): Promise<void> {
    if (queue.flushing) return
    queue.flushing = true
    try {
      while (queue.pending.length > 0) {
        const batch = takeBatch(queue.pending)
        try {
          const acks = await sendResolved(topic, queue, batch.flatMap((p) => p.records))
          let at = 0
          for (const p of batch) {
            p.resolve(acks.slice(at, at + p.records.length))
            at += p.records.length
          }
        } catch (error) {
          for (const p of batch) p.reject(error)
        }
      }
    } finally {
      queue.flushing = false
    }
  }

  return {
    send (topic, records) {
      return new Promise((resolve, reject) => {
        if (closing) {
          reject(new KafkaUnavailableError('The gateway is stopping'))
          return
        }
        let queue = queues.get(topic)
        if (queue === undefined) {
          queue = { pending: [], flushing: false, unresolved: false, producer: undefined }
          queues.set(topic, queue)
        }
        if (queue.unresolved) {
          reject(new KafkaUnavailableError('Kafka is unreachable'))
          return
        }
        queue.pending.push({ records, resolve, reject })
        flush(topic, queue).catch(reject)
      })
    },
    async close () {
      closing = true
      // Queued records belong to requests that arrived before the stop: they are sent (or refused) first.
      while ([...queues.values()].some((q) => q.flushing || q.pending.length > 0)) await sleep(GATEWAY_DEFAULTS.closePollMs)
      await Promise.all([...queues.values()].map(async (q) => q.producer?.close()))
    }
  }
}

function takeBatch (pending: Pending[]): Pending[] {
  let bytes = 0
  let count = 0
  for (const p of pending) {
    const size = p.records.reduce((sum, r) => sum + r.value.length + r.key.length, 0)
    if (count > 0 && bytes + size > GATEWAY_DEFAULTS.maxFlushBytes) break
    bytes += size
    count++
  }
  return pending.splice(0, count)
}
