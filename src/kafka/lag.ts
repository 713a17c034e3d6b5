// Consumer lag from the broker's own numbers: for each partition of the topics a group reads, the end offset
// minus the group's committed offset. Read from the broker, not from a consumer's memory, so the lag of a
// stopped or stuck consumer shows wherever it is watched: on the other consumers' /metrics and /status, and
// on the API's dashboard.
import { Admin, ListOffsetTimestamps } from '@platformatic/kafka'
import type { Config } from '../config/config.ts'
import { kafkaBrokers } from '../config/config.ts'
import type { Logger } from '../config/logger.ts'
import type { EntityName } from '../domain/entities.ts'
import { KAFKA_DEFAULTS } from './defaults.ts'
import { entityTopics } from './topics.ts'

export interface PartitionLag { topic: string, group: string, partition: number, committed: number, end: number, lag: number }

export interface LagSnapshot { lag: PartitionLag[], deadLetters: Record<string, number>, refreshedAt: string | null }

export interface LagMonitor { snapshot (): LagSnapshot, stop (): Promise<void> }

type Offsets = Map<string, Map<number, number>>

/** Each partition's offset at `timestamp` (LATEST: its end, EARLIEST: its start), given the partitions per topic. */
async function offsets (admin: Admin, partitions: ReadonlyMap<string, number>, topics: readonly string[], timestamp: bigint): Promise<Offsets> {
  const request = topics.map((name) => ({
    name,
    partitions: Array.from({ length: partitions.get(name) ?? 0 }, (_v, partitionIndex) => ({ partitionIndex, timestamp }))
  }))
  const listed = await admin.listOffsets({ topics: request })
  return new Map(listed.map((t) => [t.name, new Map(t.partitions.map((p) => [p.partitionIndex, Number(p.offset)]))]))
}

/**
 * Watches the lag of `groups` (group id -> topic) and the size of the dead-letter topics, every
 * KAFKA_DEFAULTS.lagRefreshMs.
 * A failed refresh keeps the last snapshot (its time says how old it is) and is logged once per failure run.
 */
export function watchLag (
  config: Config, groups: ReadonlyMap<string, string>, dlqTopics: readonly string[], log: Logger, onRefresh?: (snapshot: LagSnapshot) => void
): LagMonitor {
  const admin = new Admin({ clientId: 'betting-consumer-lag', bootstrapBrokers: kafkaBrokers(config), retries: KAFKA_DEFAULTS.lagRetries, requestTimeout: KAFKA_DEFAULTS.lagRequestTimeoutMs })
  let snapshot: LagSnapshot = { lag: [], deadLetters: {}, refreshedAt: null }
  let failing = false

  async function refresh (): Promise<void> {
    const topics = [...new Set(groups.values())]
    // One metadata request for every topic watched, then one offsets request per kind of offset.
    const metadata = await admin.metadata({ topics: [...topics, ...dlqTopics] })
    const partitions = new Map([...topics, ...dlqTopics].map((name) => [name, metadata.topics.get(name)?.partitionsCount ?? 0]))
    const ends = await offsets(admin, partitions, [...topics, ...dlqTopics], ListOffsetTimestamps.LATEST)
    const committed = await admin.listConsumerGroupOffsets({ groups: [...groups.keys()] })
    const lag: PartitionLag[] = []
    for (const [group, topic] of groups) {
      const groupOffsets = committed.find((g) => g.groupId === group)?.topics.find((t) => t.name === topic)?.partitions ?? []
      for (const [partition, end] of ends.get(topic) ?? []) {
        // A partition the group never committed: everything on it is behind (a new group starts at the earliest).
        const offset = Number(groupOffsets.find((p) => p.partitionIndex === partition)?.committedOffset ?? -1n)
        const done = offset >= 0 ? offset : 0
        lag.push({ topic, group, partition, committed: offset, end, lag: Math.max(0, end - done) })
      }
    }
    const dlqStarts = await offsets(admin, partitions, dlqTopics, ListOffsetTimestamps.EARLIEST)
    const deadLetters: Record<string, number> = {}
    for (const topic of dlqTopics) {
      let total = 0
      for (const [partition, end] of ends.get(topic) ?? []) total += end - (dlqStarts.get(topic)?.get(partition) ?? 0)
      deadLetters[topic] = total
    }
    snapshot = { lag, deadLetters, refreshedAt: new Date().toISOString() }
    onRefresh?.(snapshot)
  }

  let running = true
  let busy = false
  let current: Promise<void> = Promise.resolve()
  const tick = () => {
    // A broker slower than the interval must not pile up refreshes.
    if (busy || !running) return
    busy = true
    current = refresh().then(() => {
      if (failing) log.info('consumer lag readable again')
      failing = false
    }, (error: unknown) => {
      // The message only: the client's error nests one copy per group and partition.
      if (!failing) log.warn({ reason: (error as Error).message }, 'could not read consumer lag from the broker; keeping the last figures')
      failing = true
    }).finally(() => { busy = false })
  }
  tick()
  const timer = setInterval(tick, KAFKA_DEFAULTS.lagRefreshMs)
  return {
    snapshot: () => snapshot,
    async stop () {
      running = false
      clearInterval(timer)
      await current
      await admin.close().catch(() => {})
    }
  }
}

/** The consumer group that reads a topic: one per topic, shared by every consumer instance. */
export function groupOf (config: Config, topic: string): string {
  return `${config.kafka.groupPrefix}-${topic}`
}

/** The groups (group id -> topic) and dead-letter topics of the consumers of `entities`. */
export function consumerGroups (config: Config, entities: readonly EntityName[]): { groups: Map<string, string>, dlqTopics: string[] } {
  const topics = entities.map((entity) => entityTopics(config.kafka.topicPrefix, entity))
  return {
    groups: new Map(topics.flatMap((t) => [t.main, t.retry].map((topic) => [groupOf(config, topic), topic] as const))),
    dlqTopics: topics.map((t) => t.dlq)
  }
}
