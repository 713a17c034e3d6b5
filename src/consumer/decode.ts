// Turns a Kafka record's bytes into the JSON the API expects, or says why it never can.
// Records are JSON objects; the seed's envelope {"op": ..., "data": "<json text>"} is unwrapped.

export type Decoded = { ok: true, value: unknown } | { ok: false, reason: string }

export function decodeRecord (bytes: Buffer | undefined): Decoded {
  if (bytes === undefined || bytes.length === 0) return { ok: false, reason: 'empty record' }
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8'))
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'not a JSON object' }
  }
  if ('op' in value && 'data' in value) {
    const data = (value as { data: unknown }).data
    if (typeof data === 'object' && data !== null && !Array.isArray(data)) return { ok: true, value: data }
    if (typeof data !== 'string') return { ok: false, reason: 'envelope data is neither JSON text nor an object' }
    try {
      return decodeRecord(Buffer.from(data, 'utf8'))
    } catch {
      return { ok: false, reason: 'envelope data is not JSON' }
    }
  }
  return { ok: true, value }
}
