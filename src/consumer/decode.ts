// Turns a Kafka record's bytes into the JSON the API expects, or says why it never can.
// Records are JSON objects; the seed's envelope {"op": "create", "data": "<json text>"} is unwrapped, and
// an envelope asking for anything else (another op, data that is not a record) is refused, not guessed at.

export type Decoded = { ok: true, value: unknown } | { ok: false, reason: string }

const SUPPORTED_OPS = new Set(['create'])

export function decodeRecord (bytes: Buffer | undefined): Decoded {
  if (bytes === undefined || bytes.length === 0) return { ok: false, reason: 'empty record' }
  const parsed = parseObject(bytes.toString('utf8'))
  if (!parsed.ok || !isEnvelope(parsed.value)) return parsed
  const { op, data } = parsed.value
  if (typeof op !== 'string' || !SUPPORTED_OPS.has(op.toLowerCase())) {
    return { ok: false, reason: `unknown envelope: op ${JSON.stringify(op)} (only "create" is supported)` }
  }
  const inner = typeof data === 'string' ? parseObject(data) : { ok: true as const, value: data }
  if (!inner.ok) return { ok: false, reason: `envelope data: ${inner.reason}` }
  if (typeof inner.value !== 'object' || inner.value === null || Array.isArray(inner.value)) {
    return { ok: false, reason: 'unknown envelope: data is neither a JSON object nor JSON text of one' }
  }
  // One level only: a record is never an envelope of an envelope.
  if (isEnvelope(inner.value)) return { ok: false, reason: 'unknown envelope: data is itself an envelope' }
  return { ok: true, value: inner.value }
}

function isEnvelope (value: unknown): value is { op: unknown, data: unknown } {
  return typeof value === 'object' && value !== null && 'op' in value && 'data' in value
}

function parseObject (text: string): Decoded {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' }
  return { ok: true, value }
}
