// Hostile input over every write endpoint (fast-check): random JSON, mutated valid bodies, raw bytes,
// wrong content types, deep nesting and huge bodies. Never a 5xx, always a JSON `detail` on a 4xx, every
// 200 shaped as documented, and afterwards every stored row reads back as a valid, replayable record.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Coupon, Event, User } from '../../../src/domain/schemas.ts'
import { bodyAjv, parsers } from '../../../src/domain/validation.ts'
import { createTestApi, type TestApi } from '../../helpers/api.ts'
import { dialects } from '../../helpers/database.ts'
import { client, couponBody, create, eventBody, userBody, type Answer, type Body, type Client } from '../../helpers/records.ts'

const NUM_RUNS = 150
const SINGLE_WRITES = ['/users', '/events', '/coupons'] as const
const BULK_WRITES = ['/users/bulk', '/events/bulk', '/coupons/bulk'] as const
const ALL_WRITES = [...SINGLE_WRITES, ...BULK_WRITES, '/recommendation/generate'] as const
const EXISTING = [1, 2, 3]
const BASE = Date.UTC(2031, 0, 1)

const responseShape = { '/users': bodyAjv.compile(User), '/events': bodyAjv.compile(Event), '/coupons': bodyAjv.compile(Coupon) }

/** The contract for any answer to any input. */
function expectWellFormed (res: Answer, path: string, input: unknown): void {
  const context = `${path} <- ${preview(input)}`
  expect(res.status, context).toBeLessThan(500)
  if (res.status >= 400) {
    expect(String(res.headers['content-type']), context).toMatch(/^application\/json/)
    expect(typeof res.body?.detail, context).toBe('string')
    expect(res.body.detail.length, context).toBeGreaterThan(0)
    return
  }
  expect(res.status, context).toBe(200)
  const entity = path.replace(/\/bulk$/, '') as keyof typeof responseShape
  if (path.endsWith('/bulk')) {
    expect(Array.isArray(res.body.results), context).toBe(true)
    for (const result of res.body.results) {
      expect(result.status, context).toBeLessThan(500)
      if (result.status >= 400) expect(typeof result.body.detail, context).toBe('string')
      else expect(responseShape[entity](result.body), `${context}: ${JSON.stringify(result.body)}`).toBe(true)
    }
  } else if (entity in responseShape) {
    expect(responseShape[entity](res.body), `${context}: ${JSON.stringify(res.body)}`).toBe(true)
  }
}

/** Every UTF-8 byte as %XX; unlike encodeURIComponent it accepts unpaired surrogates (sent as U+FFFD). */
function percentEncode (text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')
}

/** Read-your-write: every record a write answered with 200 reads back exactly as answered. */
async function expectReadBack (c: Client, path: string, res: Answer): Promise<void> {
  if (res.status !== 200 || path === '/recommendation/generate') return
  const entity = path.replace(/\/bulk$/, '')
  const records = path.endsWith('/bulk') ? res.body.results.filter((r: { status: number }) => r.status === 200).map((r: { body: unknown }) => r.body) : [res.body]
  for (const record of records) {
    const got = await c.get(`${entity}/${record.id as number}`)
    expect(got.body, `${entity} answered ${JSON.stringify(record)}`).toEqual(record)
  }
}

function preview (input: unknown): string {
  const text = typeof input === 'string' ? input : Buffer.isBuffer(input) ? `<${input.length} bytes>` : JSON.stringify(input) ?? String(input)
  return text.length > 300 ? `${text.slice(0, 300)}…(${text.length})` : text
}

// Values an attacker or a broken client might put in any field.
const nastyString = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\uD800', '\uDFFF', 'x\uDBFFy', '\u202E\u2028\uFEFF', 'UK', 'uk', 'JPN', 'usd', 'M', 'F', 'm',
    '2024-02-30', '2024-02-03 20:48:20.438447', '2024-02-03T20:48:20+14:00', '0050-01-01', '9999-12-31T23:59:59Z', '1e3', '0x10', '-0', '00',
    '9007199254740993', '55862', '"; drop table users; --', '<script>', '__proto__', 'constructor', 'x'.repeat(201), 'é'.repeat(70)),
  // Ordinary text with one troublesome character inside: NUL, unpaired surrogates, controls, a non-character.
  fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom('\u0000', '\uD800', '\uDC00', '\u0001', '\u202E', '\uFFFF'), fc.string({ maxLength: 6 }))
    .map(([before, odd, after]) => `x${before}${odd}${after}`),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 })
)
const nastyNumber = fc.oneof(
  fc.constantFrom(1e308, -1e308, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), -0, 5e-324, 0, -1, 1, 1.0000000000000002, 1900, 1899, 2100, 0.5, 1e21, 30, 31),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer()
)
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  nastyNumber,
  fc.constantFrom(null, true, false, [], {}),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(nastyNumber, { maxLength: 5 })
)

/**
 * A valid body with one field replaced by a nasty value (so the rest stays valid and the value itself is
 * what gets judged, and stored when accepted), or with several replaced, some dropped and unknown ones added.
 */
function mutated (base: Body, keys: string[]): fc.Arbitrary<Body> {
  const one = fc.tuple(fc.constantFrom(...keys), nastyValue).map(([key, value]) => ({ ...base, [key]: value }))
  const many = fc.record({
    changes: fc.dictionary(fc.constantFrom(...keys, 'unknown', 'nested'), nastyValue, { maxKeys: 3 }),
    drop: fc.subarray(keys, { maxLength: 2 })
  }).map(({ changes, drop }) => {
    const body: Body = { ...base, ...changes }
    for (const key of drop) delete body[key]
    return body
  })
  return fc.oneof(one, many)
}

// Mostly absent (a new record) or small (replays and conflicts with earlier ones), sometimes nasty.
const id = fc.oneof(fc.constant(undefined), fc.constantFrom(...EXISTING, 0, 40, 41), fc.integer({ min: 0, max: 60 }), nastyValue)
const hostileUser = fc.tuple(id, fc.boolean()).chain(([userId, alias]) =>
  mutated(userBody({ [alias ? 'user_id' : 'id']: userId, registration_date: '2024-01-01T00:00:00Z' }), ['id', 'user_id', 'birth_year', 'country', 'currency', 'gender', 'registration_date']))
const hostileEvent = fc.tuple(id, fc.array(fc.oneof(nastyString, fc.constantFrom('Home', 'Away')), { minLength: 0, maxLength: 4 })).chain(([eventId, participants]) =>
  mutated(eventBody({ id: eventId, ...(participants.length >= 2 ? { participants } : {}) }, BASE), ['id', 'event_id', 'begin_timestamp', 'end_timestamp', 'country', 'league', 'sport', 'participants']))
const hostileSelection = fc.oneof(
  mutated({ event_id: 1, odds: 1.5 }, ['event_id', 'odds']),
  fc.record({ event_id: fc.constantFrom(...EXISTING, '2', 99), odds: fc.oneof(nastyNumber, fc.constant(2)) }),
  nastyValue
)
const hostileCoupon = fc.tuple(id, fc.constantFrom(...EXISTING, 99, '1'), fc.array(hostileSelection, { maxLength: 32 })).chain(([couponId, userId, selections]) =>
  mutated(couponBody(1, [1], { id: couponId, user_id: userId, timestamp: '2024-06-01T00:00:00Z', ...(selections.length > 0 ? { selections } : {}) }),
    ['id', 'coupon_id', 'user_id', 'stake', 'timestamp', 'selections']))
const hostileBodies = { '/users': hostileUser, '/events': hostileEvent, '/coupons': hostileCoupon }

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/JSON', 'text/plain',
  'text/plain; charset=utf-8', 'application/octet-stream', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'image/png', 'application/vnd.api+json']

describe.each(dialects)('hostile input on %s', (dialect) => {
  let t: TestApi
  let c: Client
  beforeAll(async () => {
    t = await createTestApi(dialect)
    c = client(t.api)
    for (const n of EXISTING) {
      await create(c, 'users', userBody({ id: n }))
      await create(c, 'events', eventBody({ id: n, participants: [`Home ${n}`, `Away ${n}`] }))
    }
  })
  afterAll(async () => { await t.close() })

  it('answers any JSON value on every write endpoint without a 5xx', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...ALL_WRITES), fc.jsonValue({ maxDepth: 4 }), async (path, value) => {
      const res = await c.post(path, value)
      expectWellFormed(res, path, value)
      await expectReadBack(c, path, res)
    }), { numRuns: NUM_RUNS })
  })

  it.each(SINGLE_WRITES)('answers mutated valid bodies on POST %s without a 5xx', async (path) => {
    await fc.assert(fc.asyncProperty(hostileBodies[path], async (body) => {
      const res = await c.post(path, body)
      expectWellFormed(res, path, body)
      await expectReadBack(c, path, res)
    }), { numRuns: NUM_RUNS })
  })

  it.each(SINGLE_WRITES)('answers batches of mutated records on POST %s/bulk without a 5xx', async (path) => {
    const batch = fc.array(fc.oneof({ weight: 4, arbitrary: hostileBodies[path] as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: nastyValue }), { minLength: 1, maxLength: 12 })
    await fc.assert(fc.asyncProperty(batch, async (records) => {
      const res = await c.post(`${path}/bulk`, records)
      expectWellFormed(res, `${path}/bulk`, records)
      if (res.status === 200) expect(res.body.results).toHaveLength(records.length)
      await expectReadBack(c, `${path}/bulk`, res)
    }), { numRuns: Math.round(NUM_RUNS / 3) })
  })

  it('answers raw bytes and text under any content type without a 5xx', async () => {
    const payload = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v).slice(0, -1)),
      fc.constantFrom('{', '}', '[', '"', 'null', 'NaN', 'Infinity', '-', '1e999', '{"a":1,}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '\uFEFF{}', '{"a":"\\ud800"}', '{"a":"\\u0000"}')
    )
    await fc.assert(fc.asyncProperty(fc.constantFrom(...ALL_WRITES), payload, fc.constantFrom(...CONTENT_TYPES, undefined), async (path, body, type) => {
      expectWellFormed(await c.raw(path, body, type), path, body)
    }), { numRuns: NUM_RUNS })
  })

  it('answers hostile path ids and query strings on reads and writes without a 5xx', async () => {
    const text = fc.oneof(nastyString, fc.constantFrom('1', '0', '50', '51', '3', 'true', 'false', '2024-04-10', '2024-04-10T00:00:00+02:00'))
    const request = fc.tuple(fc.constantFrom('/users/', '/events/', '/coupons/', '/coupons/user/', '/recommendation/'), text, text, text)
    await fc.assert(fc.asyncProperty(request, async ([prefix, rawId, limit, at]) => {
      const url = `${prefix}${percentEncode(rawId)}?limit=${percentEncode(limit)}&at=${percentEncode(at)}&gen_recommendations=${percentEncode(limit)}`
      expectWellFormed(await c.get(url), url, null)
    }), { numRuns: NUM_RUNS })
    await fc.assert(fc.asyncProperty(fc.constantFrom(...SINGLE_WRITES), text, async (path, flag) => {
      const url = `${path}?gen_recommendations=${percentEncode(flag)}`
      expectWellFormed(await c.post(url, {}), url, flag)
    }), { numRuns: Math.round(NUM_RUNS / 3) })
  })

  it('answers nesting 10,000 levels deep with a 4xx, as a whole body and inside a field', async () => {
    const deep = (open: string, close: string, inner = '1') => `${open.repeat(10_000)}${inner}${close.repeat(10_000)}`
    const bodies = [
      deep('[', ']', ''),
      deep('{"a":', '}'),
      deep('{"__proto__":', '}'),
      `{"birth_year":1990,"country":${deep('[', ']', '')},"currency":"EUR","gender":"M"}`,
      `[${deep('[', ']', '')}]`,
      `{"constructor":${deep('[', ']', '')}}`
    ]
    for (const path of ALL_WRITES) {
      for (const body of bodies) {
        const res = await c.raw(path, body, 'application/json')
        expectWellFormed(res, path, body)
        if (path === '/recommendation/generate') continue
        // A bulk body may be a valid array whose records are refused one by one.
        const statuses = res.status === 200 && path.endsWith('/bulk') ? res.body.results.map((r: { status: number }) => r.status) : [res.status]
        for (const status of statuses) expect(status, `${path} <- ${preview(body)}`).toBeGreaterThanOrEqual(400)
      }
    }
    // A million levels: over 1 MiB for single writes, within the 16 MiB bulk limit.
    const million = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`
    for (const path of BULK_WRITES) expectWellFormed(await c.raw(path, million, 'application/json'), path, million)
  })

  it('answers a 10 MB string body with 413 on single writes and never a 5xx on bulk ones', async () => {
    const tenMegabytes = JSON.stringify('x'.repeat(10_000_000))
    for (const path of SINGLE_WRITES) {
      const res = await c.raw(path, tenMegabytes, 'application/json')
      expectWellFormed(res, path, tenMegabytes)
      expect(res.status).toBe(413)
    }
    expectWellFormed(await c.raw('/recommendation/generate', tenMegabytes, 'application/json'), '/recommendation/generate', tenMegabytes)
    for (const path of BULK_WRITES) {
      const res = await c.raw(path, tenMegabytes, 'application/json')
      expectWellFormed(res, path, tenMegabytes)
      expect(res.status).toBe(422)
      expectWellFormed(await c.raw(path, `[${tenMegabytes}`, 'application/json'), path, tenMegabytes)
    }
    const overBulkLimit = JSON.stringify(['x'.repeat(17 * 1024 * 1024)])
    for (const path of BULK_WRITES) expect((await c.raw(path, overBulkLimit, 'application/json')).status).toBe(413)
  })

  it('has stored only records that read back valid, replay as themselves, and keep the recommender state exact', async () => {
    const db = t.db.database.db
    const stored = {
      users: (await db.selectFrom('users').select('id').execute()).map((r) => r.id),
      events: (await db.selectFrom('events').select('id').execute()).map((r) => r.id),
      coupons: (await db.selectFrom('coupons').select('id').execute()).map((r) => r.id)
    }
    // The run must have stored something beyond the seeded records, or it proves little.
    expect(stored.users.length + stored.events.length + stored.coupons.length).toBeGreaterThan(3 * EXISTING.length)
    for (const entity of ['users', 'events', 'coupons'] as const) {
      for (const storedId of stored[entity]) {
        const got = await c.get(`/${entity}/${storedId}`)
        expect(got.status, `${entity} ${storedId}`).toBe(200)
        expect(responseShape[`/${entity}`](got.body), JSON.stringify(got.body)).toBe(true)
        expect(() => parsers[entity](got.body), JSON.stringify(got.body)).not.toThrow()
        const replay = await c.post(`/${entity}`, got.body)
        expect(replay.status, `replay of ${JSON.stringify(got.body)}: ${JSON.stringify(replay.body)}`).toBe(200)
        expect(replay.body).toEqual(got.body)
      }
    }
    for (const couponId of stored.coupons) {
      const coupon = (await c.get(`/coupons/${couponId}`)).body
      expect(coupon.selections.length).toBeGreaterThanOrEqual(1)
      expect(coupon.selections.length).toBeLessThanOrEqual(30)
      for (const selection of coupon.selections) expect(stored.events).toContain(selection.event_id)
      expect(stored.users).toContain(coupon.user_id)
    }
    const state = async () => ({
      stats: await db.selectFrom('user_sport_stats').selectAll().orderBy('user_id').orderBy('sport').execute(),
      popularity: await db.selectFrom('events').select(['id', 'bet_count']).orderBy('id').execute()
    })
    const before = await state()
    expect((await c.post('/recommendation/generate')).status).toBe(200)
    expect(await state()).toEqual(before)
  })
})
