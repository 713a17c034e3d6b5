// Hostile input over every write endpoint (fast-check): random JSON, mutated valid bodies, raw bytes,
// wrong content types, deep nesting and huge bodies. Never a 5xx, always a JSON `detail` on a 4xx, every
// 200 shaped as documented, and afterwards every stored row reads back as a valid, replayable record.
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { Coupon, Event, User } from '../../../src/domain/schemas.ts'
import { bodyAjv, parsers } from '../../../src/domain/validation.ts'
import { useTestApi } from '../../helpers/api.ts'
import { dialects } from '../../helpers/database.ts'
import { CONTENT_TYPES, EXISTING_IDS, hostileRecords, nastyString, nastyValue, preview, rawBody } from '../../helpers/hostile.ts'
import { create, eventBody, userBody, type Answer, type Client } from '../../helpers/records.ts'

const NUM_RUNS = 150
const SINGLE_WRITES = ['/users', '/events', '/coupons'] as const
const BULK_WRITES = ['/users/bulk', '/events/bulk', '/coupons/bulk'] as const
const ALL_WRITES = [...SINGLE_WRITES, ...BULK_WRITES, '/recommendation/generate'] as const

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

const hostileBodies = { '/users': hostileRecords.users, '/events': hostileRecords.events, '/coupons': hostileRecords.coupons }

describe.each(dialects)('hostile input on %s', (dialect) => {
  const t = useTestApi(dialect)
  beforeAll(async () => {
    for (const n of EXISTING_IDS) {
      await create(t.client, 'users', userBody({ id: n }))
      await create(t.client, 'events', eventBody({ id: n, participants: [`Home ${n}`, `Away ${n}`] }))
    }
  })

  it('answers any JSON value on every write endpoint without a 5xx', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...ALL_WRITES), fc.jsonValue({ maxDepth: 4 }), async (path, value) => {
      const res = await t.client.post(path, value)
      expectWellFormed(res, path, value)
      await expectReadBack(t.client, path, res)
    }), { numRuns: NUM_RUNS })
  })

  it.each(SINGLE_WRITES)('answers mutated valid bodies on POST %s without a 5xx', async (path) => {
    await fc.assert(fc.asyncProperty(hostileBodies[path], async (body) => {
      const res = await t.client.post(path, body)
      expectWellFormed(res, path, body)
      await expectReadBack(t.client, path, res)
    }), { numRuns: NUM_RUNS })
  })

  it.each(SINGLE_WRITES)('answers batches of mutated records on POST %s/bulk without a 5xx', async (path) => {
    const batch = fc.array(fc.oneof({ weight: 4, arbitrary: hostileBodies[path] as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: nastyValue }), { minLength: 1, maxLength: 12 })
    await fc.assert(fc.asyncProperty(batch, async (records) => {
      const res = await t.client.post(`${path}/bulk`, records)
      expectWellFormed(res, `${path}/bulk`, records)
      if (res.status === 200) expect(res.body.results).toHaveLength(records.length)
      await expectReadBack(t.client, `${path}/bulk`, res)
    }), { numRuns: Math.round(NUM_RUNS / 3) })
  })

  it('answers raw bytes and text under any content type without a 5xx', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...ALL_WRITES), rawBody, fc.constantFrom(...CONTENT_TYPES, undefined), async (path, body, type) => {
      expectWellFormed(await t.client.raw(path, body, type), path, body)
    }), { numRuns: NUM_RUNS })
  })

  it('answers hostile path ids and query strings on reads and writes without a 5xx', async () => {
    const text = fc.oneof(nastyString, fc.constantFrom('1', '0', '50', '51', '3', 'true', 'false', '2024-04-10', '2024-04-10T00:00:00+02:00'))
    const request = fc.tuple(fc.constantFrom('/users/', '/events/', '/coupons/', '/coupons/user/', '/recommendation/'), text, text, text)
    await fc.assert(fc.asyncProperty(request, async ([prefix, rawId, limit, at]) => {
      const url = `${prefix}${percentEncode(rawId)}?limit=${percentEncode(limit)}&at=${percentEncode(at)}&gen_recommendations=${percentEncode(limit)}`
      expectWellFormed(await t.client.get(url), url, null)
    }), { numRuns: NUM_RUNS })
    await fc.assert(fc.asyncProperty(fc.constantFrom(...SINGLE_WRITES), text, async (path, flag) => {
      const url = `${path}?gen_recommendations=${percentEncode(flag)}`
      expectWellFormed(await t.client.post(url, {}), url, flag)
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
        const res = await t.client.raw(path, body, 'application/json')
        expectWellFormed(res, path, body)
        if (path === '/recommendation/generate') continue
        // A bulk body may be a valid array whose records are refused one by one.
        const statuses = res.status === 200 && path.endsWith('/bulk') ? res.body.results.map((r: { status: number }) => r.status) : [res.status]
        for (const status of statuses) expect(status, `${path} <- ${preview(body)}`).toBeGreaterThanOrEqual(400)
      }
    }
    // A million levels: over 1 MiB for single writes, within the 16 MiB bulk limit.
    const million = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`
    for (const path of BULK_WRITES) expectWellFormed(await t.client.raw(path, million, 'application/json'), path, million)
  })

  it('answers a 10 MB string body with 413 on single writes and never a 5xx on bulk ones', async () => {
    const tenMegabytes = JSON.stringify('x'.repeat(10_000_000))
    for (const path of SINGLE_WRITES) {
      const res = await t.client.raw(path, tenMegabytes, 'application/json')
      expectWellFormed(res, path, tenMegabytes)
      expect(res.status).toBe(413)
    }
    expectWellFormed(await t.client.raw('/recommendation/generate', tenMegabytes, 'application/json'), '/recommendation/generate', tenMegabytes)
    for (const path of BULK_WRITES) {
      const res = await t.client.raw(path, tenMegabytes, 'application/json')
      expectWellFormed(res, path, tenMegabytes)
      expect(res.status).toBe(422)
      expectWellFormed(await t.client.raw(path, `[${tenMegabytes}`, 'application/json'), path, tenMegabytes)
    }
    const overBulkLimit = JSON.stringify(['x'.repeat(17 * 1024 * 1024)])
    for (const path of BULK_WRITES) expect((await t.client.raw(path, overBulkLimit, 'application/json')).status).toBe(413)
  })

  it('has stored only records that read back valid, replay as themselves, and keep the recommender state exact', async () => {
    const db = t.db.database.db
    const stored = {
      users: (await db.selectFrom('users').select('id').execute()).map((r) => r.id),
      events: (await db.selectFrom('events').select('id').execute()).map((r) => r.id),
      coupons: (await db.selectFrom('coupons').select('id').execute()).map((r) => r.id)
    }
    // The run must have stored something beyond the seeded records, or it proves little.
    expect(stored.users.length + stored.events.length + stored.coupons.length).toBeGreaterThan(3 * EXISTING_IDS.length)
    for (const entity of ['users', 'events', 'coupons'] as const) {
      for (const storedId of stored[entity]) {
        const got = await t.client.get(`/${entity}/${storedId}`)
        expect(got.status, `${entity} ${storedId}`).toBe(200)
        expect(responseShape[`/${entity}`](got.body), JSON.stringify(got.body)).toBe(true)
        expect(() => parsers[entity](got.body), JSON.stringify(got.body)).not.toThrow()
        const replay = await t.client.post(`/${entity}`, got.body)
        expect(replay.status, `replay of ${JSON.stringify(got.body)}: ${JSON.stringify(replay.body)}`).toBe(200)
        expect(replay.body).toEqual(got.body)
      }
    }
    for (const couponId of stored.coupons) {
      const coupon = (await t.client.get(`/coupons/${couponId}`)).body
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
    expect((await t.client.post('/recommendation/generate')).status).toBe(200)
    expect(await state()).toEqual(before)
  })
})
