// The replay ledger: one compacted topic per dead-letter topic, holding one record per replayed offset, so
// that each dead-lettered record is replayed once however many runs choose it.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Admin } from '@platformatic/kafka'
import type { SideRecord } from '../side-topics.ts'
import { reasonOf } from './group.ts'
import { replayTargetOf } from './names.ts'
import { DeadLetterReadError, type DeadLetter } from './read.ts'

const LEDGER_SUFFIX = '.replayed'

/** The topic holding one record per replayed offset of a dead-letter topic. */
export function ledgerTopicOf (dlqTopic: string): string {
  return `${dlqTopic}${LEDGER_SUFFIX}`
}

/** The dead-letter positions an earlier run replayed, from the ledger records (keyed `<partition>:<offset>`). */
export function replayedPositions (ledgerRecords: DeadLetter[]): Set<string> {
  return new Set(ledgerRecords.map((r) => `${r.topic.slice(0, -LEDGER_SUFFIX.length)}:${r.key?.toString() ?? ''}`))
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
export async function ensureLedgers (admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
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

/** The ledger record saying `record` was replayed: keyed by its partition and offset, so compaction keeps one per record. */
export function ledgerEntry (record: DeadLetter): SideRecord {
  return {
    topic: ledgerTopicOf(record.topic),
    key: Buffer.from(`${record.partition}:${record.offset}`),
    value: Buffer.from(JSON.stringify({ replayedTo: replayTargetOf(record), replayedAt: new Date().toISOString(), reason: reasonOf(record) })),
    headers: {}
  }
}
