// How a record is written on its topic. `plain` is the record's JSON object (with its id); `envelope` is the
// reference producers' {"op": "<entity>", "data": "<record as JSON text>"}, which the reference's consumers
// read (they POST `data` to /<op>). Our consumers read both, so a topic can carry both during a migration.
import type { EntityName } from '../domain/entities.ts'

export type ProduceFormat = 'plain' | 'envelope'

export function encodeRecord (format: ProduceFormat, entity: EntityName, record: Record<string, unknown>): string {
  const json = JSON.stringify(record)
  return format === 'plain' ? json : JSON.stringify({ op: entity, data: json })
}
