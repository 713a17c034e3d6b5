// Reading dead-letter topics up to their current end. Reading uses a throw-away consumer group that
// starts at explicit offsets and commits nothing, so the consumers' own groups and offsets are never touched.
import { CodedError, ErrorCodes } from '../../domain/errors.ts'
import { randomUUID } from 'node:crypto'
import { Admin, Consumer, ListOffsetTimestamps, MessagesStreamModes, type Message } from '@platformatic/kafka'
import type { Config } from '../../config/config.ts'
import { kafkaBrokers } from '../../config/config.ts'

/** How long a read may take to reach the end offsets before it is reported as failed. */
export const DEFAULT_READ_TIMEOUT_MS = 120_000
/** The client id of every client the dead-letter tools open. */
export const CLIENT_ID = 'betting-dlq-tools'

/** A topic could not be read up to its end offsets in time (broker unreachable or leaderless). */
export class DeadLetterReadError extends CodedError {
  override name = 'DeadLetterReadError'
  constructor (message: string, options?: ErrorOptions) {
    super(ErrorCodes.deadLetterRead, message, true, options)
  }
}

export interface DeadLetter {
  topic: string
  partition: number
  offset: number
  timestamp: Date
  /** The original key and value bytes, untouched. */
  key: Buffer | undefined
  value: Buffer | undefined
  headers: Record<string, string>
}

export interface Position { topic: string, partition: number, offset: number }

export interface ReadOptions {
  /** Give up reading after this long (default two minutes). */
  timeoutMs?: number
}

export interface Range { topic: string, partition: number, start: bigint, end: bigint }

export interface Clients { admin: Admin, consumer: Consumer }

export async function withClients<T> (config: Config, work: (clients: Clients) => Promise<T>): Promise<T> {
  const bootstrapBrokers = kafkaBrokers(config)
  const admin = new Admin({ clientId: CLIENT_ID, bootstrapBrokers, retries: 5, retryDelay: 500 })
  // A group of its own that commits nothing: once closed it holds no offsets, and the broker forgets it.
  const consumer = new Consumer({ clientId: CLIENT_ID, groupId: `${config.kafka.groupPrefix}-dlq-tools-${randomUUID()}`, bootstrapBrokers, retries: 5, retryDelay: 500 })
  try {
    return await work({ admin, consumer })
  } finally {
    await consumer.close()
    await admin.close()
  }
}

/** The topics of `topics` that exist; a dead-letter topic nothing was ever set aside on may not. */
export async function existingTopics (admin: Admin, topics: string[]): Promise<string[]> {
  if (topics.length === 0) return []
  const names = new Set(await admin.listTopics())
  return topics.filter((topic) => names.has(topic))
}

/** Each partition's first and next-to-be-written offsets, taken now: a read stops at these ends. */
export async function partitionRanges (consumer: Consumer, topics: string[]): Promise<Range[]> {
  if (topics.length === 0) return []
  const [earliest, latest] = await Promise.all([
    consumer.listOffsets({ topics, timestamp: ListOffsetTimestamps.EARLIEST }),
    consumer.listOffsets({ topics, timestamp: ListOffsetTimestamps.LATEST })
  ])
  return topics.flatMap((topic) => (latest.get(topic) ?? []).map((end, partition) => ({
    topic, partition, start: earliest.get(topic)?.[partition] ?? 0n, end
  })))
}

function toDeadLetter (message: Message): DeadLetter {
  const headers: Record<string, string> = {}
  for (const [key, value] of message.headers) headers[key.toString()] = value.toString()
  return {
    topic: message.topic,
    partition: message.partition,
    offset: Number(message.offset),
    timestamp: new Date(Number(message.timestamp)),
    key: message.key ?? undefined,
    value: message.value ?? undefined,
    headers
  }
}

const byPosition = (a: Position, b: Position): number =>
  a.topic.localeCompare(b.topic) || a.partition - b.partition || a.offset - b.offset

/**
 * Reads every record in the ranges, from each start to just before its end, and stops when the last
 * partition reached its end: the records produced meanwhile are left for the next run.
 */
export async function readRanges (consumer: Consumer, ranges: Range[], timeoutMs: number): Promise<DeadLetter[]> {
  const pending = new Map(ranges.filter((r) => r.start < r.end).map((r) => [`${r.topic}:${r.partition}`, r]))
  if (pending.size === 0) return []
  const wanted = [...pending.values()]
  const stream = await consumer.consume({
    topics: [...new Set(wanted.map((r) => r.topic))],
    // Explicit start offsets; partitions not listed start at their end and yield nothing.
    mode: MessagesStreamModes.MANUAL,
    offsets: wanted.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.start })),
    autocommit: false,
    maxWaitTime: 200
  })
  const records: DeadLetter[] = []
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new DeadLetterReadError(`could not read ${[...new Set(wanted.map((r) => r.topic))].join(', ')} to the end within ${timeoutMs / 1000} s`))
      }, timeoutMs)
      stream.on('error', (error) => { clearTimeout(timer); reject(error) })
      stream.on('data', (message: Message) => {
        const key = `${message.topic}:${message.partition}`
        const range = pending.get(key)
        // A fetch may return the start of a batch that begins before the requested offset.
        if (range === undefined || message.offset < range.start) return
        if (message.offset < range.end) records.push(toDeadLetter(message))
        // At or past the last offset: done, even when that offset itself is gone (compaction).
        if (message.offset >= range.end - 1n) pending.delete(key)
        if (pending.size === 0) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
  } finally {
    await stream.close()
  }
  return records.sort(byPosition)
}

/** Every record of the existing topics among `topics`, read up to the end offsets of when it started. */
export async function readTopics (clients: Clients, topics: string[], timeoutMs: number): Promise<DeadLetter[]> {
  return readRanges(clients.consumer, await partitionRanges(clients.consumer, topics), timeoutMs)
}

export interface TopicContents { topic: string, exists: boolean, records: DeadLetter[] }

/** The records of each topic; a missing topic is reported as such, with no records, not as an error. */
export async function readDeadLetters (config: Config, topics: string[], options: ReadOptions = {}): Promise<TopicContents[]> {
  return withClients(config, async (clients) => {
    const existing = await existingTopics(clients.admin, topics)
    const records = await readTopics(clients, existing, options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS)
    return topics.map((topic) => ({ topic, exists: existing.includes(topic), records: records.filter((r) => r.topic === topic) }))
  })
}
