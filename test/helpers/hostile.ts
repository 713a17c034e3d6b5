// Hostile input for the property tests of the API and the gateway (fast-check): values an attacker or a
// broken client might send, valid bodies with some of them mixed in, raw bodies and content types. Both
// write paths get the same cases, so a case added for one is tried on the other too.
import fc from 'fast-check'
import type { EntityName } from '../../src/domain/entities.ts'
import { couponBody, eventBody, userBody, type Body } from './records.ts'

/** Ids of the users and events a suite stores before it throws hostile input at them. */
export const EXISTING_IDS = [1, 2, 3] as const

/** A fixed kick-off base far in the future (epoch ms), next to events around the present. */
const FUTURE_BASE = Date.UTC(2031, 0, 1)

// Values an attacker or a broken client might put in any field.
export const nastyString = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\uD800', '\uDFFF', 'x\uDBFFy', '\u202E\u2028\uFEFF', 'UK', 'uk', 'JPN', 'usd', 'M', 'F', 'm',
    '2024-02-30', '2024-02-03 20:48:20.438447', '2024-02-03T20:48:20+14:00', '0050-01-01', '9999-12-31T23:59:59Z', '1e3', '0x10', '-0', '00',
    '9007199254740993', '55862', '"; drop table users; --', '<script>', '__proto__', 'constructor', 'x'.repeat(201), 'é'.repeat(70),
    '東京'.repeat(60), '🏟️⚽'),
  // Ordinary text with one troublesome character inside: NUL, unpaired surrogates, controls, a non-character.
  fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom('\u0000', '\uD800', '\uDC00', '\u0001', '\u202E', '\uFFFF'), fc.string({ maxLength: 6 }))
    .map(([before, odd, after]) => `x${before}${odd}${after}`),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 })
)

export const nastyNumber = fc.oneof(
  fc.constantFrom(1e308, -1e308, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), -0, 5e-324, 0, -1, 1, 1.0000000000000002, 1900, 1899, 2100, 0.5, 1e21, 30, 31),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer()
)

export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  nastyNumber,
  fc.constantFrom(null, true, false, [], {}),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(nastyNumber, { maxLength: 5 })
)

/**
 * A valid body with one field replaced by a nasty value (so the rest stays valid and the value itself is
 * what gets judged, and stored when accepted), or with several replaced, some dropped and unknown ones
 * added; or left valid, so accepted records are part of every run.
 */
export function mutated (base: Body, keys: string[]): fc.Arbitrary<Body> {
  const one = fc.tuple(fc.constantFrom(...keys), nastyValue).map(([key, value]) => ({ ...base, [key]: value }))
  const many = fc.record({
    changes: fc.dictionary(fc.constantFrom(...keys, 'unknown', 'nested', '__proto__', 'op', 'data'), nastyValue, { maxKeys: 3 }),
    drop: fc.subarray(keys, { maxLength: 2 })
  }).map(({ changes, drop }) => {
    const body: Body = { ...base, ...changes }
    for (const key of drop) delete body[key]
    return body
  })
  return fc.oneof(one, many, fc.constant(base))
}

/** Mostly absent (a new record) or small (replays and conflicts with earlier ones), sometimes nasty. */
export const hostileId = fc.oneof(fc.constant(undefined), fc.constantFrom(...EXISTING_IDS, 0, 40, 41), fc.integer({ min: 0, max: 60 }), nastyValue)

export const hostileUser = fc.tuple(hostileId, fc.boolean(), fc.constantFrom(undefined, '2024-01-01T00:00:00Z')).chain(([userId, alias, registered]) =>
  mutated(userBody({ [alias ? 'user_id' : 'id']: userId, ...(registered === undefined ? {} : { registration_date: registered }) }),
    ['id', 'user_id', 'birth_year', 'country', 'currency', 'gender', 'registration_date']))

export const hostileEvent = fc.tuple(hostileId, fc.array(fc.oneof(nastyString, fc.constantFrom('Home', 'Away')), { maxLength: 4 }), fc.constantFrom(undefined, FUTURE_BASE))
  .chain(([eventId, participants, base]) =>
    mutated(eventBody({ id: eventId, ...(participants.length >= 2 ? { participants } : {}) }, base ?? Date.now()),
      ['id', 'event_id', 'begin_timestamp', 'end_timestamp', 'country', 'league', 'sport', 'participants']))

/** Mostly well-formed selections (so whole coupons get through often enough), some mutated, some not selections at all. */
export const hostileSelection = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      event_id: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.constantFrom(...EXISTING_IDS, '2', '7', '0', 99)),
      odds: fc.oneof({ weight: 3, arbitrary: fc.double({ min: 1.01, max: 1000, noNaN: true }) }, { weight: 1, arbitrary: nastyNumber }, { weight: 1, arbitrary: fc.constant(2) })
    })
  },
  { weight: 1, arbitrary: mutated({ event_id: 1, odds: 1.5 }, ['event_id', 'odds']) },
  { weight: 1, arbitrary: nastyValue }
)

export const hostileCoupon = fc.tuple(hostileId, fc.constantFrom(...EXISTING_IDS, 99, '1'), fc.constantFrom(undefined, '2024-06-01T00:00:00Z'), fc.array(hostileSelection, { maxLength: 32 }))
  .chain(([couponId, userId, timestamp, selections]) =>
    mutated(couponBody(1, [1], { id: couponId, user_id: userId, ...(timestamp === undefined ? {} : { timestamp }), ...(selections.length > 0 ? { selections } : {}) }),
      ['id', 'coupon_id', 'user_id', 'stake', 'timestamp', 'selections']))

export const hostileRecords: Record<EntityName, fc.Arbitrary<Body>> = { users: hostileUser, events: hostileEvent, coupons: hostileCoupon }

/** Content types a request may claim, JSON or not. */
export const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/JSON', 'text/plain',
  'text/plain; charset=utf-8', 'application/octet-stream', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'image/png', 'application/vnd.api+json']

/** A raw request body: random bytes or text, JSON cut short, and JSON-like texts parsers trip on. */
export const rawBody: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v).slice(0, -1)),
  fc.constantFrom('{', '}', '[', '"', 'null', 'NaN', 'Infinity', '-', '1e999', '{"a":1,}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '\uFEFF{}',
    '{"a":"\\ud800"}', '{"a":"\\u0000"}', '{"country":"G\\u0000B"}')
)

/** An input as a short line for an assertion's message. */
export function preview (input: unknown): string {
  const text = typeof input === 'string' ? input : Buffer.isBuffer(input) ? `<${input.length} bytes>` : JSON.stringify(input) ?? String(input)
  return text.length > 300 ? `${text.slice(0, 300)}…(${text.length})` : text
}
