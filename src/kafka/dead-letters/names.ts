// The dead-letter topics' names: which names an operator may give, the topic each one means, and where
// a dead-lettered record is replayed to.
import { Headers } from '../side-topics.ts'
import type { EntityName } from '../../domain/entities.ts'
import { ENTITIES, entityTopics } from '../topics.ts'
import type { DeadLetter } from './read.ts'

const DLQ_SUFFIX = '.dlq'

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

/**
 * Where a dead-lettered record is replayed: the topic the consumer first read it from, or, for a record
 * without that header, the main topic its dead-letter topic belongs to.
 */
export function replayTargetOf (record: DeadLetter): string {
  return record.headers[Headers.originalTopic] ?? record.topic.slice(0, -DLQ_SUFFIX.length)
}
