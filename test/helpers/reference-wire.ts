// The reference producers' bytes, reproduced exactly: Python's json.dumps({"op": entity, "data": text}) with
// its default separators (", " and ": ") and ensure_ascii, around pydantic's compact model_dump_json text.
import type { EntityName } from '../../src/domain/entities.ts'

/** A Python json.dumps string literal: ASCII only, \uXXXX (lower-case hex) for everything outside space..tilde. */
function pythonString (text: string): string {
  let out = '"'
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const ch = text[i] as string
    if (ch === '"') out += '\\"'
    else if (ch === '\\') out += '\\\\'
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (ch === '\b') out += '\\b'
    else if (ch === '\f') out += '\\f'
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return `${out}"`
}

/** pydantic's model_dump_json: compact, UTF-8 as is (JSON.stringify writes the same for these records). */
export function pydanticJson (record: Record<string, unknown>): string {
  return JSON.stringify(record)
}

/** The value the reference's producer writes for one record (no key, no id in the record). */
export function referenceEnvelope (entity: EntityName, record: Record<string, unknown>): string {
  return `{"op": ${pythonString(entity)}, "data": ${pythonString(pydanticJson(record))}}`
}
