// A worker's offset commits (worker.ts): a delivered batch's, and again those its group's offsets fell
// behind on (which offsets, decided in commits.ts). Both end the consumer when the group's coordinator moved.
import type { Consumer } from '@platformatic/kafka'
import type { Logger } from '../config/logger.ts'
import type { EntityName } from '../domain/entities.ts'
import { carriesKafkaError } from '../kafka/errors.ts'
import type { KafkaMessage } from './batch-reader.ts'
import { assignedPartitions, type DeliveredOffsets } from './commits.ts'

type KafkaConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>

export interface CommitContext {
  /** The topic the worker reads (main or retry). */
  topic: string
  entity: EntityName
  log: Logger
}

/**
 * Commits the last record of each partition in the batch, on the partitions this consumer still owns: one
 * a rebalance gave to another consumer is read again from its last commit by its new owner, and a late
 * commit here could take its offset back below what the new owner committed (commits.ts).
 */
export async function commitDelivered (last: KafkaMessage[], consumer: KafkaConsumer, options: CommitContext): Promise<void> {
  const assigned = assignedPartitions(consumer.assignments, options.topic)
  try {
    await Promise.all(last.filter((m) => assigned.includes(m.partition)).map(async (message) => message.commit()))
  } catch (error) {
    // The group's coordinator moved to another broker (its broker was killed, frozen or restarted). This
    // client keeps the coordinator it first found for the consumer's whole life, so every later commit would
    // fail the same way and the lag would never drain: a new consumer finds the coordinator again and
    // resumes from the last commit (seen in the cluster's fault run after a node was frozen).
    if (carriesKafkaError(error, 'NOT_COORDINATOR')) throw new Error('the consumer group\'s coordinator moved to another broker; reconnecting to find it', { cause: error })
    // Usually a rebalance moved the partition: its new owner re-reads from the last commit, and the
    // idempotent API makes that redelivery harmless. One that stays here is committed again by
    // commitWhatFellBehind.
    options.log.warn({ err: error, entity: options.entity }, 'offset commit failed; records will be redelivered')
  }
}

/** Commits again what this consumer delivered on the partitions it owns where its group's offset fell behind. */
export async function commitWhatFellBehind (delivered: DeliveredOffsets<KafkaMessage>, consumer: KafkaConsumer, options: CommitContext): Promise<void> {
  const { topic } = options
  const partitions = delivered.delivered(assignedPartitions(consumer.assignments, topic))
  if (partitions.length === 0) return
  try {
    const committed = (await consumer.listCommittedOffsets({ topics: [{ topic, partitions }] })).get(topic) ?? []
    for (const message of delivered.behind(partitions, (p) => committed[p])) {
      options.log.warn({ topic, partition: message.partition, committed: String(committed[message.partition] ?? -1n), delivered: String(message.offset + 1n) }, 'group offset behind what was delivered; committing it again')
      await message.commit()
    }
  } catch (error) {
    // As in commit: only a new consumer finds a coordinator that moved.
    if (carriesKafkaError(error, 'NOT_COORDINATOR')) throw new Error('the consumer group\'s coordinator moved to another broker; reconnecting to find it', { cause: error })
    options.log.warn({ err: error, topic }, 'could not check or commit again the group offsets; will try again')
  }
}
