// Operator tools over the dead-letter topics: read them up to their current end, group the records by
// reason, find one record, and replay chosen records to the topic they came from, each once, keeping a
// ledger of what was replayed. Reading uses a throw-away consumer group that starts at explicit offsets
// and commits nothing, so the consumers' own groups and offsets are never touched.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Admin, Consumer, ListOffsetTimestamps, MessagesStreamModes, type Message } from '@platformatic/kafka'
import type { Config } from '../config/config.ts'
import { kafkaBrokers } from '../config/config.ts'
import { createSideProducer, Headers, type SideRecord } from '../consumer/side-topics.ts'
import type { EntityName } from '../domain/entities.ts'
import { ENTITIES, entityTopics } from './topics.ts'

/** Header of a replayed copy naming the dead-lettered record it was made from (`<dlq topic>:<partition>:<offset>`). */
export const REPLAYED_FROM_HEADER = 'x-replayed-from'

const DLQ_SUFFIX = '.dlq'
const LEDGER_SUFFIX = '.replayed'
/** How long a read may take to reach the end offsets before it is reported as failed. */
const DEFAULT_READ_TIMEOUT_MS = 120_000
/** Copies sent per produce request; also how often the progress is reported. */
const REPLAY_CHUNK = 100
const PREVIEW_CHARS = 80
const CLIENT_ID = 'betting-dlq-tools'

/** A dead-lettered record the operator asked for is not in the topic: a usage error, not a failure. */
export class DeadLetterNotFoundError extends Error {
  override name = 'DeadLetterNotFoundError'
}

/** A topic could not be read up to its end offsets in time (broker unreachable or leaderless). */
export class DeadLetterReadError extends Error {
  override name = 'DeadLetterReadError'
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

// ---------------------------------------------------------------------------------------------------------
// Topic names.

/** Whether `name` can name a dead-letter topic: an entity (`users`) or a topic name ending in `.dlq`. */
export function isDeadLetterTopicName (name: string): boolean {
  return (ENTITIES as readonly string[]).includes(name) || (name.endsWith(DLQ_SUFFIX) && name.length > DLQ_SUFFIX.length)
}

/** The dead-letter topic an operator means by `name`: an entity's, or the one named in full. */
export function deadLetterTopicOf (prefix: string, name: string): string {
  return (ENTITIES as readonly string[]).includes(name) ? entityTopics(prefix, name as EntityName).dlq : name
}

export function allDeadLetterTopics (prefix: string): string[] {
  return ENTITIES.map((entity) => entityTopics(prefix, entity).dlq)
}

/** The topic holding one record per replayed offset of a dead-letter topic. */
export function ledgerTopicOf (dlqTopic: string): string {
  return `${dlqTopic}${LEDGER_SUFFIX}`
}

/**
 * Where a dead-lettered record is replayed: the topic the consumer first read it from, or, for a record
 * without that header, the main topic its dead-letter topic belongs to.
 */
export function replayTargetOf (record: DeadLetter): string {
  return record.headers[Headers.originalTopic] ?? record.topic.slice(0, -DLQ_SUFFIX.length)
}

// ---------------------------------------------------------------------------------------------------------
// Reading up to the end offsets.

interface Range { topic: string, partition: number, start: bigint, end: bigint }

interface Clients { admin: Admin, consumer: Consumer }

async function withClients<T> (config: Config, work: (clients: Clients) => Promise<T>): Promise<T> {
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
async function existingTopics (admin: Admin, topics: string[]): Promise<string[]> {
  if (topics.length === 0) return []
  const names = new Set(await admin.listTopics())
  return topics.filter((topic) => names.has(topic))
}

/** Each partition's first and next-to-be-written offsets, taken now: a read stops at these ends. */
async function partitionRanges (consumer: Consumer, topics: string[]): Promise<Range[]> {
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
async function readRanges (consumer: Consumer, ranges: Range[], timeoutMs: number): Promise<DeadLetter[]> {
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
async function readTopics (clients: Clients, topics: string[], timeoutMs: number): Promise<DeadLetter[]> {
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

/** The record at that position, or undefined when the topic, partition or offset does not hold one. */
export async function findDeadLetter (config: Config, position: Position, options: ReadOptions = {}): Promise<DeadLetter | undefined> {
  return withClients(config, async (clients) => {
    if ((await existingTopics(clients.admin, [position.topic])).length === 0) return undefined
    const range = (await partitionRanges(clients.consumer, [position.topic])).find((r) => r.partition === position.partition)
    const offset = BigInt(position.offset)
    if (range === undefined || offset < range.start || offset >= range.end) return undefined
    const [record] = await readRanges(clients.consumer, [{ ...range, start: offset, end: offset + 1n }], options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS)
    return record?.offset === position.offset ? record : undefined
  })
}

// ---------------------------------------------------------------------------------------------------------
// Reasons and grouping.

export function reasonOf (record: DeadLetter): string {
  return record.headers[Headers.reason] ?? ''
}

export function codeOf (record: DeadLetter): string {
  return record.headers[Headers.code] ?? ''
}

/** Case-insensitive substring of the record's reason or code; no filter matches every record. */
export function matchesReason (record: DeadLetter, filter: string | undefined): boolean {
  if (filter === undefined || filter === '') return true
  const needle = filter.toLowerCase()
  return reasonOf(record).toLowerCase().includes(needle) || codeOf(record).toLowerCase().includes(needle)
}

/**
 * Reasons name the record (`users 900 already exists ...`) or the time it waited (`... for 301 s`); with
 * numbers shown as `#`, records refused for the same cause fall into one group.
 */
export function reasonPattern (reason: string): string {
  return reason === '' ? '(no reason given)' : reason.replace(/\d+/g, '#')
}

/** The start of the value as one line of text, for a listing. */
export function previewOf (value: Buffer | undefined): string {
  if (value === undefined) return '(no value)'
  const text = value.toString('utf8').replace(/\s+/g, ' ').trim()
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text
}

function headerNumber (record: DeadLetter, name: string): number | null {
  const value = record.headers[name]
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null
}

export interface ListedRecord extends Position {
  key: string | null
  reason: string
  code: string
  status: string
  original: { topic: string, partition: number | null, offset: number | null }
  preview: string
}

export interface ReasonGroup {
  /** The reason with its numbers shown as `#`. */
  reason: string
  code: string
  count: number
  /** The group's first records, up to the listing's limit. */
  records: ListedRecord[]
}

export function listedRecord (record: DeadLetter): ListedRecord {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key?.toString('utf8') ?? null,
    reason: reasonOf(record),
    code: codeOf(record),
    status: record.headers[Headers.status] ?? '',
    original: {
      topic: replayTargetOf(record),
      partition: headerNumber(record, Headers.originalPartition),
      offset: headerNumber(record, Headers.originalOffset)
    },
    preview: previewOf(record.value)
  }
}

/** Groups by code and reason pattern, the largest group first; each keeps its first `limit` records. */
export function groupByReason (records: DeadLetter[], limit: number): ReasonGroup[] {
  const groups = new Map<string, ReasonGroup>()
  for (const record of records) {
    const reason = reasonPattern(reasonOf(record))
    const code = codeOf(record)
    const id = `${code}\u0000${reason}`
    let group = groups.get(id)
    if (group === undefined) groups.set(id, group = { reason, code, count: 0, records: [] })
    group.count++
    if (group.records.length < limit) group.records.push(listedRecord(record))
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
}

export interface Listing {
  /** Each topic asked for, whether it exists and how many records it holds (before the reason filter). */
  topics: Array<{ topic: string, exists: boolean, records: number }>
  /** Records matching the reason filter. */
  total: number
  groups: ReasonGroup[]
}

export interface ListOptions extends ReadOptions {
  topics: string[]
  reason?: string
  /** Records shown per group. */
  limit: number
}

export async function listDeadLetters (config: Config, options: ListOptions): Promise<Listing> {
  const contents = await readDeadLetters(config, options.topics, options)
  const matching = contents.flatMap((c) => c.records).filter((r) => matchesReason(r, options.reason))
  return {
    topics: contents.map((c) => ({ topic: c.topic, exists: c.exists, records: c.records.length })),
    total: matching.length,
    groups: groupByReason(matching, options.limit)
  }
}

// ---------------------------------------------------------------------------------------------------------
// Replaying.

export interface ReplayOptions extends ReadOptions {
  topics: string[]
  reason?: string
  /** Only these records (each must exist, else nothing is replayed); their topics are read too. */
  positions?: Position[]
  /** Choose and report, produce nothing. */
  dryRun?: boolean
  onProgress?: (done: number, total: number) => void
}

export interface ReplayedRecord extends Position {
  target: string
  /** Found in the ledger: replayed by an earlier run, skipped by this one. */
  alreadyReplayed: boolean
}

export interface ReplayTopicSummary {
  topic: string
  replayed: number
  skipped: number
  /** Replayed records per topic they were produced to. */
  targets: Record<string, number>
}

export interface ReplaySummary {
  dryRun: boolean
  /** Replayed by this run (with dryRun: would be). */
  replayed: number
  /** Chosen, but replayed by an earlier run. */
  skipped: number
  topics: ReplayTopicSummary[]
  records: ReplayedRecord[]
}

const refOf = (p: Position): string => `${p.topic}:${p.partition}:${p.offset}`

/** The dead-letter positions an earlier run replayed, from the ledger records (keyed `<partition>:<offset>`). */
function replayedPositions (ledgerRecords: DeadLetter[]): Set<string> {
  return new Set(ledgerRecords.map((r) => `${r.topic.slice(0, -LEDGER_SUFFIX.length)}:${r.key?.toString() ?? ''}`))
}

/** The records the options choose; a requested position with no record stops the replay before it starts. */
function chooseRecords (records: DeadLetter[], options: ReplayOptions): DeadLetter[] {
  const matching = records.filter((r) => matchesReason(r, options.reason))
  if (options.positions === undefined) return matching
  const present = new Set(records.map(refOf))
  const missing = options.positions.filter((p) => !present.has(refOf(p)))
  if (missing.length > 0) {
    throw new DeadLetterNotFoundError(`no dead-lettered record at ${missing.map((p) => `${p.topic} ${p.partition}:${p.offset}`).join(', ')}`)
  }
  const wanted = new Set(options.positions.map(refOf))
  return matching.filter((r) => wanted.has(refOf(r)))
}

/** A new topic may have no partition leader yet; the first produce to it would fail. */
async function waitForLeaders (admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const metadata = await admin.metadata({ topics, forceUpdate: true })
    if (topics.every((t) => metadata.topics.get(t)?.partitions.every((p) => p.leader >= 0) === true)) return
    if (Date.now() > deadline) throw new DeadLetterReadError(`no partition leader for ${topics.join(', ')} within ${timeoutMs / 1000} s`)
    await sleep(200)
  }
}

/**
 * Creates the missing ledger topics. Compacted, with one key per dead-letter offset: retention never
 * deletes an entry, so a record replayed long ago is still known as replayed.
 */
async function ensureLedgers (admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const existing = new Set(await admin.listTopics())
  const toCreate = topics.filter((t) => !existing.has(t))
  if (toCreate.length === 0) return
  try {
    await admin.createTopics({ topics: toCreate, partitions: 1, replicas: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }] })
  } catch (error) {
    // Another replay may have created it in between: what matters is that it exists now.
    const now = new Set(await admin.listTopics())
    if (toCreate.some((t) => !now.has(t))) throw error
  }
  await waitForLeaders(admin, toCreate, timeoutMs)
}

function replayCopy (record: DeadLetter): SideRecord {
  // Only the marker header: the dead-letter headers describe the failed attempt, and the consumer would
  // read x-original-* as this record's origin. The copy is an ordinary record for the consumer.
  return { topic: replayTargetOf(record), key: record.key, value: record.value, headers: { [REPLAYED_FROM_HEADER]: refOf(record) } }
}

function ledgerEntry (record: DeadLetter): SideRecord {
  return {
    topic: ledgerTopicOf(record.topic),
    key: Buffer.from(`${record.partition}:${record.offset}`),
    value: Buffer.from(JSON.stringify({ replayedTo: replayTargetOf(record), replayedAt: new Date().toISOString(), reason: reasonOf(record) })),
    headers: {}
  }
}

async function produceReplays (config: Config, records: DeadLetter[], onProgress: ReplayOptions['onProgress']): Promise<void> {
  const producer = createSideProducer(config, `${CLIENT_ID}-replay`)
  try {
    for (let i = 0; i < records.length; i += REPLAY_CHUNK) {
      const chunk = records.slice(i, i + REPLAY_CHUNK)
      // Copies first, then their ledger entries: a run stopped in between replays those records again
      // next time, which the API's idempotent writes make harmless; the other order could lose them.
      await producer.send(chunk.map(replayCopy))
      await producer.send(chunk.map(ledgerEntry))
      onProgress?.(i + chunk.length, records.length)
    }
  } finally {
    await producer.close()
  }
}

function summarize (chosen: DeadLetter[], replayedBefore: Set<string>, dryRun: boolean): ReplaySummary {
  const topics = new Map<string, ReplayTopicSummary>()
  const records = chosen.map((record): ReplayedRecord => {
    const alreadyReplayed = replayedBefore.has(refOf(record))
    const target = replayTargetOf(record)
    let topic = topics.get(record.topic)
    if (topic === undefined) topics.set(record.topic, topic = { topic: record.topic, replayed: 0, skipped: 0, targets: {} })
    if (alreadyReplayed) topic.skipped++
    else {
      topic.replayed++
      topic.targets[target] = (topic.targets[target] ?? 0) + 1
    }
    return { topic: record.topic, partition: record.partition, offset: record.offset, target, alreadyReplayed }
  })
  const summed = [...topics.values()]
  return {
    dryRun,
    replayed: summed.reduce((n, t) => n + t.replayed, 0),
    skipped: summed.reduce((n, t) => n + t.skipped, 0),
    topics: summed,
    records
  }
}

/**
 * Re-produces the chosen dead-lettered records, key and value unchanged, to the topic they came from,
 * skipping those the ledger lists, and adds each replayed one to the ledger.
 */
export async function replayDeadLetters (config: Config, options: ReplayOptions): Promise<ReplaySummary> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS
  const wantedTopics = [...new Set([...options.topics, ...(options.positions ?? []).map((p) => p.topic)])]
  return withClients(config, async (clients) => {
    const topics = await existingTopics(clients.admin, wantedTopics)
    const ledgers = await existingTopics(clients.admin, topics.map(ledgerTopicOf))
    // One read for both, so the ledger is as current as the records it is checked against.
    const read = await readTopics(clients, [...topics, ...ledgers], timeoutMs)
    const ledgerSet = new Set(ledgers)
    const replayedBefore = replayedPositions(read.filter((r) => ledgerSet.has(r.topic)))
    const chosen = chooseRecords(read.filter((r) => !ledgerSet.has(r.topic)), options)
    const fresh = chosen.filter((r) => !replayedBefore.has(refOf(r)))
    if (options.dryRun !== true && fresh.length > 0) {
      await ensureLedgers(clients.admin, [...new Set(fresh.map((r) => ledgerTopicOf(r.topic)))], timeoutMs)
      await produceReplays(config, fresh, options.onProgress)
    }
    return summarize(chosen, replayedBefore, options.dryRun === true)
  })
}
