// Bulk writes (POST /<entity>/bulk, the consumers' path): one result per record, in order, with the same
// status and body a single write would get; refused records store nothing and do not affect their neighbours.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApi, type TestApi } from '../../helpers/api.ts'
import { dialects } from '../../helpers/database.ts'
import { client, couponBody, create, eventBody, snapshotCounts, userBody, type Body, type Client } from '../../helpers/records.ts'

const BASE = Date.UTC(2030, 0, 1)
const FIXED_TIME = { registration_date: '2024-01-01T00:00:00Z' }

/** A mixed batch per entity: valid, invalid, non-objects, conflicts and replays (ids fixed so answers compare). */
function batches (): Record<'users' | 'events' | 'coupons', unknown[]> {
  return {
    users: [
      userBody({ id: 1, ...FIXED_TIME }),
      userBody({ id: 2, birth_year: 1800, ...FIXED_TIME }),
      null, 5, 'user', [userBody({ id: 3 })],
      userBody({ user_id: '4', country: 'jpn', currency: 'usd', ...FIXED_TIME }),
      userBody({ id: 1, gender: 'F', ...FIXED_TIME }),
      userBody({ id: 1, ...FIXED_TIME }),
      userBody({ id: 5, user_id: 6, ...FIXED_TIME }),
      { id: 7 }
    ],
    events: [
      eventBody({ id: 10 }, BASE),
      eventBody({ id: 11, end_timestamp: '2000-01-01T00:00:00Z' }, BASE),
      eventBody({ event_id: '12', participants: ['X', 'Y'] }, BASE),
      eventBody({ id: 10, sport: 'tennis' }, BASE),
      eventBody({ id: 10 }, BASE),
      eventBody({ id: 13, participants: ['Same', 'Same'] }, BASE),
      eventBody({ id: 14, sport: '\u0000' }, BASE),
      []
    ],
    coupons: [
      couponBody(1, [10, 12], { id: 20, timestamp: '2024-05-01T00:00:00Z' }),
      couponBody(99, [10], { id: 21 }),
      couponBody(1, [10, 999], { id: 22 }),
      couponBody(1, [10], { id: 20, timestamp: '2024-05-01T00:00:00Z' }),
      couponBody(1, [10, 12], { id: 20, timestamp: '2024-05-01T00:00:00Z' }),
      couponBody(4, [12, 12], { coupon_id: 23, timestamp: '2024-05-02T00:00:00Z' }),
      couponBody(1, [], { id: 24 }),
      couponBody(1, [10], { id: 25, stake: 0 }),
      'coupon'
    ]
  }
}

describe.each(dialects)('bulk writes on %s', (dialect) => {
  let bulk: TestApi
  let single: TestApi
  let b: Client
  let s: Client
  beforeAll(async () => {
    [bulk, single] = await Promise.all([createTestApi(dialect), createTestApi(dialect)])
    b = client(bulk.api)
    s = client(single.api)
  })
  afterAll(async () => { await Promise.all([bulk.close(), single.close()]) })

  it('answers each record of a mixed batch exactly as a single write of it, and stores the same rows', async () => {
    const data = batches()
    for (const entity of ['users', 'events', 'coupons'] as const) {
      const res = await b.post(`/${entity}/bulk`, data[entity])
      expect(res.status).toBe(200)
      expect(res.body.results).toHaveLength(data[entity].length)
      const singles = []
      for (const record of data[entity]) {
        const one = await s.post(`/${entity}`, record)
        singles.push({ status: one.status, body: one.body })
      }
      expect(res.body.results, entity).toEqual(singles)
    }
    expect(await snapshotCounts(bulk.db.database.db)).toEqual(await snapshotCounts(single.db.database.db))
  })

  it('reports the statuses the contract names', async () => {
    const data = batches()
    const statuses: Record<string, number[]> = {}
    for (const entity of ['users', 'events', 'coupons'] as const) {
      statuses[entity] = (await b.post(`/${entity}/bulk`, data[entity])).body.results.map((r: { status: number }) => r.status)
    }
    // Second run: everything stored is now a replay (200) or still a conflict (409).
    expect(statuses).toEqual({
      users: [200, 422, 422, 422, 422, 422, 200, 409, 200, 422, 422],
      events: [200, 422, 200, 409, 200, 422, 422, 422],
      coupons: [200, 404, 422, 409, 200, 200, 422, 422, 422]
    })
    const coupons = (await b.post('/coupons/bulk', [couponBody(99, [999]), couponBody(1, [999])])).body.results
    expect(coupons.map((r: { body: { detail: string } }) => r.body.detail)).toEqual(['User not found', 'Check if Events exist'])
  })

  it('answers a stored record with its id alone when asked (?answer=id, the consumers\' form), and every refusal as before', async () => {
    const data = batches()
    for (const entity of ['users', 'events', 'coupons'] as const) {
      // The second run over the same batch: replays and conflicts, whose full answers the default form gives.
      const full = (await b.post(`/${entity}/bulk`, data[entity])).body.results as Array<{ status: number, body: { id?: number } }>
      const brief = (await b.post(`/${entity}/bulk?answer=id`, data[entity])).body.results as Array<{ status: number, body: { id?: number } }>
      expect(brief.map((r) => r.status), entity).toEqual(full.map((r) => r.status))
      full.forEach((r, i) => {
        expect(brief[i]?.body, `${entity} ${i}`).toEqual(r.status === 200 ? { id: r.body.id } : r.body)
      })
      expect(full.some((r) => r.status === 200 && typeof r.body.id === 'number'), entity).toBe(true)
    }
    const wrong = await b.post('/users/bulk?answer=everything', [userBody()])
    expect(wrong.status).toBe(422)
    expect(wrong.body.detail).toMatch(/answer/)
  })

  it('stores nothing for a batch of refused records', async () => {
    const before = await snapshotCounts(bulk.db.database.db)
    const refused = [couponBody(99, [10]), couponBody(1, [10, 999]), couponBody(1, [10], { id: 20, stake: 3 }), couponBody(1, [10], { stake: -1 })]
    const res = await b.post('/coupons/bulk', refused)
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([404, 422, 409, 422])
    expect(await snapshotCounts(bulk.db.database.db)).toEqual(before)
  })

  it('treats a repeated id inside one batch as a replay or a conflict of the first', async () => {
    const t = await createTestApi(dialect)
    try {
      const c = client(t.api)
      const same = userBody({ id: 50, ...FIXED_TIME })
      const res = await c.post('/users/bulk', [same, same, { ...same, birth_year: 1980 }])
      expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([200, 200, 409])
      expect(res.body.results[1].body).toEqual(res.body.results[0].body)
      expect((await snapshotCounts(t.db.database.db)).users).toBe(1)
    } finally {
      await t.close()
    }
  })

  it('assigns distinct ids to records without one', async () => {
    const res = await b.post('/users/bulk', Array.from({ length: 50 }, () => userBody()))
    const ids = res.body.results.map((r: { body: { id: number } }) => r.body.id)
    expect(new Set(ids).size).toBe(50)
  })

  it('accepts up to 5000 records, and refuses a body that is not a non-empty array of at most 5000 records with 422', async () => {
    for (const payload of [[], {}, userBody(), 'x', 7]) {
      const res = await b.post('/users/bulk', payload as Body)
      expect(res.status, JSON.stringify(payload)).toBe(422)
      expect(typeof res.body.detail).toBe('string')
    }
    const tooMany = await b.post('/users/bulk', Array.from({ length: 5001 }, () => ({})))
    expect(tooMany.status).toBe(422)
    const most = await b.post('/users/bulk', Array.from({ length: 5000 }, () => userBody()))
    expect(most.status).toBe(200)
    expect(most.body.results.filter((r: { status: number }) => r.status === 200)).toHaveLength(5000)
  })

  it('answers malformed JSON with 400 and a body over its 16 MiB limit with 413', async () => {
    expect((await b.raw('/events/bulk', '[{"id": 1,', 'application/json')).status).toBe(400)
    const huge = JSON.stringify([{ padding: 'x'.repeat(16 * 1024 * 1024) }])
    const res = await b.raw('/events/bulk', huge, 'application/json')
    expect(res.status).toBe(413)
    expect(typeof res.body.detail).toBe('string')
  })

  it('stores what a bulk batch accepted so single reads and the recommender see it', async () => {
    const t = await createTestApi(dialect)
    try {
      const c = client(t.api)
      await c.post('/users/bulk', [userBody({ id: 1 })])
      await c.post('/events/bulk', [eventBody({ id: 1, sport: 'darts' }), eventBody({ id: 2, sport: 'darts' }, Date.now(), 48)])
      await c.post('/coupons/bulk', [couponBody(1, [1])])
      expect((await c.get('/coupons/user/1')).body).toHaveLength(1)
      const rec = await c.get('/recommendation/1')
      expect(rec.body[0].events.map((e: { id: number }) => e.id)).toEqual([2])
    } finally {
      await t.close()
    }
  })

  it('needs a record created earlier for a reference, not one of the same request on another entity', async () => {
    await create(b, 'users', userBody({ id: 70 }))
    const res = await b.post('/coupons/bulk', [couponBody(70, [10]), couponBody(71, [10])])
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([200, 404])
  })
})
