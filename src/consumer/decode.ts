// Turns a Kafka record's bytes into the JSON the API expects and where it goes, or says why it never can.
// Records are JSON objects. Two envelopes are unwrapped: the seed's {"op": "create", "data": ...} and the
// reference producers' {"op": "<entity>", "data": "<json text>"} (op names the topic's entity). On the
// users topic, {"op": "responsible_gambling", "data": {...}} is a user's responsible-gambling change. An
// envelope asking for anything else (another op, another entity, data that is not a record) is refused,
// not guessed at.
import type { EntityName } from '../domain/entities.ts'
import { GUARDRAIL_OP } from '../kafka/wire.ts'
import type { DeliveryTarget } from './delivery.ts'

export type Decoded = { ok: true, value: unknown, target: DeliveryTarget } | { ok: false, reason: string }
type Parsed = { ok: true, value: unknown } | { ok: false, reason: string }

const ENTITY_OPS: ReadonlySet<string> = new Set<EntityName>(['users', 'events', 'coupons'])

export function decodeRecord (bytes: Buffer | undefined, entity: EntityName): Decoded {
  if (bytes === undefined || bytes.length === 0) return { ok: false, reason: 'empty record' }
  const parsed = parseObject(bytes.toString('utf8'))
  if (!parsed.ok) return parsed
  if (!isEnvelope(parsed.value)) return { ok: true, value: parsed.value, target: entity }
  const { op, data } = parsed.value
  const opRefusal = checkOp(op, entity)
  if (opRefusal !== undefined) return { ok: false, reason: opRefusal }
  const target: DeliveryTarget = typeof op === 'string' && op.toLowerCase() === GUARDRAIL_OP ? 'responsible-gambling' : entity
  const inner: Parsed = typeof data === 'string' ? parseObject(data) : { ok: true, value: data }
  if (!inner.ok) return { ok: false, reason: `envelope data: ${inner.reason}` }
  if (typeof inner.value !== 'object' || inner.value === null || Array.isArray(inner.value)) {
    return { ok: false, reason: 'unknown envelope: data is neither a JSON object nor JSON text of one' }
  }
  // One level only: a record is never an envelope of an envelope.
  if (isEnvelope(inner.value)) return { ok: false, reason: 'unknown envelope: data is itself an envelope' }
  return { ok: true, value: inner.value, target }
}

/** Why an envelope's op cannot be stored on this topic, or undefined when it can. */
function checkOp (op: unknown, entity: EntityName): string | undefined {
  const name = typeof op === 'string' ? op.toLowerCase() : undefined
  if (name === 'create' || name === entity) return undefined
  if (name === GUARDRAIL_OP) return entity === 'users' ? undefined : `a responsible-gambling change arrived on the ${entity} topic (only the users topic carries them)`
  if (name !== undefined && ENTITY_OPS.has(name)) {
    return `envelope for another entity: op ${JSON.stringify(op)} arrived on the ${entity} topic`
  }
  return `unknown envelope: op ${JSON.stringify(op)} (only "create" or "${entity}" is supported here)`
}

function isEnvelope (value: unknown): value is { op: unknown, data: unknown } {
  return typeof value === 'object' && value !== null && 'op' in value && 'data' in value
}

function parseObject (text: string): Parsed {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' }
  return { ok: true, value }
}
