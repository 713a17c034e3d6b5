// Topic names per entity (main, retry and dead-letter) and their creation at start-up.
import { Admin } from '@platformatic/kafka'
import type { Config } from '../config/config.ts'
import { kafkaBrokers } from '../config/config.ts'
import type { EntityName } from '../domain/entities.ts'
import { carriesKafkaError } from './errors.ts'
import { KAFKA_DEFAULTS } from './defaults.ts'

export const ENTITIES: readonly EntityName[] = ['users', 'events', 'coupons']

export interface EntityTopics {
  /** Where the gateway produces the entity's records. */
  main: string
  /** Records whose references (user, events) were missing, waiting for another try. */
  retry: string
  /** Records that can never be stored, with the reason in headers. */
  dlq: string
}

export function entityTopics (prefix: string, entity: EntityName): EntityTopics {
  const main = `${prefix}${entity}`
  return { main, retry: `${main}.retry`, dlq: `${main}.dlq` }
}

/** Creates the topics that do not exist yet. Safe to run from several instances at once. */
export async function ensureTopics (config: Config, topics: string[], clientId: string): Promise<void> {
  const admin = new Admin({ clientId, bootstrapBrokers: kafkaBrokers(config), retries: KAFKA_DEFAULTS.ensureTopicsRetries, retryDelay: KAFKA_DEFAULTS.ensureTopicsRetryDelayMs })
  try {
    const existing = new Set(await admin.listTopics())
    const missing = topics.filter((t) => !existing.has(t))
    if (missing.length === 0) return
    try {
      const replicas = config.kafka.replication > 0 ? config.kafka.replication : defaultReplication((await admin.metadata({})).brokers.size)
      await admin.createTopics({ topics: missing, partitions: config.kafka.partitions, replicas, configs: [{ name: 'min.insync.replicas', value: String(minInSync(replicas)) }] })
    } catch (error) {
      // Another instance may have created some of them in between, or a retried request found the topics
      // its first, slow attempt created: the broker's TOPIC_ALREADY_EXISTS means the topic is there.
      if (carriesKafkaError(error, 'TOPIC_ALREADY_EXISTS')) return
      const now = new Set(await admin.listTopics())
      if (missing.some((t) => !now.has(t))) throw error
    }
  } finally {
    await admin.close()
  }
}

/** TOPIC_REPLICATION=0: a cluster's topics survive the loss of a broker, a single broker's have one copy. */
export function defaultReplication (brokers: number): number {
  return brokers >= 3 ? 3 : 1
}

/**
 * With acks=all, a write is acknowledged once this many replicas have it: 2 of 3 keeps every acknowledged
 * record through the loss of one broker while still accepting writes with one broker down.
 */
export function minInSync (replicas: number): number {
  return replicas >= 3 ? 2 : 1
}
