// Replaying chosen dead-lettered records, key and value unchanged, to the topic they came from, each
// once: the ledger (ledger.ts) lists those replayed before, which a later run skips.
import type { Config } from '../../config/config.ts'
import { createSideProducer, type SideRecord } from '../side-topics.ts'
import { DeadLetterNotFoundError } from './find.ts'
import { matchesReason } from './group.ts'
import { ensureLedgers, ledgerEntry, ledgerTopicOf, replayedPositions } from './ledger.ts'
import { replayTargetOf } from './names.ts'
import { CLIENT_ID, DEFAULT_READ_TIMEOUT_MS, existingTopics, readTopics, withClients, type DeadLetter, type Position, type ReadOptions } from './read.ts'

/** Header of a replayed copy naming the dead-lettered record it was made from (`<dlq topic>:<partition>:<offset>`). */
export const REPLAYED_FROM_HEADER = 'x-replayed-from'

/** Copies sent per produce request; also how often the progress is reported. */
const REPLAY_CHUNK = 100

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

function replayCopy (record: DeadLetter): SideRecord {
  // Only the marker header: the dead-letter headers describe the failed attempt, and the consumer would
  // read x-original-* as this record's origin. The copy is an ordinary record for the consumer.
  return { topic: replayTargetOf(record), key: record.key, value: record.value, headers: { [REPLAYED_FROM_HEADER]: refOf(record) } }
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
