// How a record is written on its topic. `plain` is the record's JSON object (with its id); `envelope` is the
// reference producers' {"op": "<entity>", "data": "<record as JSON text>"}, which the reference's consumers
// read (they POST `data` to /<op>). Our consumers read both, so a topic can carry both during a migration.
//
// A responsible-gambling change travels on the users topic, keyed by its user's id (so one user's changes
// and the user record itself stay in order on one partition), always as {"op": "responsible_gambling",
// "data": {user_id, ...change}}: the op is what tells it from a user record.
import type { EntityName } from '../domain/entities.ts'

export const GUARDRAIL_OP = 'responsible_gambling'

export type ProduceFormat = 'plain' | 'envelope'

export function encodeRecord (format: ProduceFormat, entity: EntityName, record: Record<string, unknown>): string {
  const json = JSON.stringify(record)
  return format === 'plain' ? json : JSON.stringify({ op: entity, data: json })
}

export function encodeGuardrailChange (change: Record<string, unknown> & { user_id: number }): string {
  return JSON.stringify({ op: GUARDRAIL_OP, data: change })
}
