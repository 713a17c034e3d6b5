// SPEC §Entities/Coupon and §Main API: POST /coupons, GET /coupons/{id}, GET /coupons/user/{id}, references, replays.
import { beforeAll, describe, expect, it } from 'vitest'
import { useTestApi } from '../../helpers/api.ts'
import { dialects } from '../../helpers/database.ts'
import { couponBody, create, eventBody, snapshotCounts, userBody } from '../../helpers/records.ts'

describe.each(dialects)('coupons on %s', (dialect) => {
  const t = useTestApi(dialect)
  let userId: number
  let events: number[]
  let nextId = 9000
  const freshId = () => nextId++
  const counts = () => snapshotCounts(t.db.database.db)

  beforeAll(async () => {
    userId = (await create(t.client, 'users', userBody())).id
    events = []
    for (let i = 0; i < 31; i++) events.push((await create(t.client, 'events', eventBody({ sport: i % 2 === 0 ? 'football' : 'tennis' }))).id)
  })

  it('stores a coupon with its selections in order; GET answers the same object', async () => {
    const id = freshId()
    const body = { id, user_id: userId, stake: 12.5, timestamp: '2024-02-03 20:48:20.438447', selections: [{ event_id: events[2], odds: 2.25 }, { event_id: events[1], odds: 1.01 }] }
    const res = await t.client.post('/coupons', body)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ id, user_id: userId, stake: 12.5, timestamp: '2024-02-03T20:48:20.438447Z', selections: [{ event_id: events[2], odds: 2.25 }, { event_id: events[1], odds: 1.01 }] })
    expect((await t.client.get(`/coupons/${id}`)).body).toEqual(res.body)
  })

  it('accepts coupon_id as an alias, numeric strings for every id, and assigns distinct ids when absent', async () => {
    const id = freshId()
    const res = await t.client.post('/coupons', { coupon_id: String(id), user_id: String(userId), stake: 1, selections: [{ event_id: String(events[0]), odds: 3 }] })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ id, user_id: userId, selections: [{ event_id: events[0], odds: 3 }] })
    const a = await t.client.post('/coupons', couponBody(userId, [events[0] as number]))
    const b = await t.client.post('/coupons', couponBody(userId, [events[0] as number]))
    expect(a.body.id).not.toBe(b.body.id)
  })

  it('refuses id and coupon_id that disagree', async () => {
    const res = await t.client.post('/coupons', couponBody(userId, [events[0] as number], { id: 5, coupon_id: 6 }))
    expect(res.status).toBe(422)
    expect(res.body.detail).toContain('body.coupon_id')
  })

  it('fills timestamp with the server time when absent', async () => {
    const before = Date.now()
    const res = await t.client.post('/coupons', couponBody(userId, [events[0] as number]))
    const at = Date.parse(res.body.timestamp)
    expect(at).toBeGreaterThanOrEqual(before)
    expect(at).toBeLessThanOrEqual(Date.now())
  })

  it('answers 404 User not found for a missing user, before checking events, and stores nothing', async () => {
    const before = await counts()
    const missingEvents = await t.client.post('/coupons', couponBody(freshId(), [freshId()]))
    expect(missingEvents.status).toBe(404)
    expect(missingEvents.body.detail).toBe('User not found')
    const existingEvents = await t.client.post('/coupons', couponBody(freshId(), [events[0] as number]))
    expect(existingEvents.status).toBe(404)
    expect(existingEvents.body.detail).toBe('User not found')
    expect(await counts()).toEqual(before)
  })

  it('answers 422 Check if Events exist when any event is missing, and stores nothing', async () => {
    const before = await counts()
    const id = freshId()
    const res = await t.client.post('/coupons', couponBody(userId, [events[0] as number, freshId(), events[1] as number], { id }))
    expect(res.status).toBe(422)
    expect(res.body.detail).toBe('Check if Events exist')
    expect(await counts()).toEqual(before)
    expect((await t.client.get(`/coupons/${id}`)).status).toBe(404)
  })

  it('accepts 1 to 30 selections and refuses 0 or 31', async () => {
    expect((await t.client.post('/coupons', couponBody(userId, events.slice(0, 1)))).status).toBe(200)
    const thirty = await t.client.post('/coupons', couponBody(userId, events.slice(0, 30)))
    expect(thirty.status).toBe(200)
    expect(thirty.body.selections).toHaveLength(30)
    for (const ids of [[], events.slice(0, 31)]) {
      const res = await t.client.post('/coupons', couponBody(userId, ids))
      expect(res.status, `${ids.length} selections`).toBe(422)
      expect(res.body.detail).toContain('body.selections')
    }
  })

  it('requires odds above 1 and a positive stake', async () => {
    const event = events[0] as number
    expect((await t.client.post('/coupons', { user_id: userId, stake: 0.01, selections: [{ event_id: event, odds: 1.0001 }] })).status).toBe(200)
    for (const odds of [1, 0.5, 0, -2, '2', null]) {
      const res = await t.client.post('/coupons', { user_id: userId, stake: 1, selections: [{ event_id: event, odds }] })
      expect(res.status, `odds ${String(odds)}`).toBe(422)
      expect(res.body.detail).toContain('body.selections[0].odds')
    }
    for (const stake of [0, -1, '10', null]) {
      const res = await t.client.post('/coupons', { user_id: userId, stake, selections: [{ event_id: event, odds: 2 }] })
      expect(res.status, `stake ${String(stake)}`).toBe(422)
      expect(res.body.detail).toContain('body.stake')
    }
  })

  it('keeps both selections of a coupon that names one event twice, and counts both', async () => {
    const event = events[4] as number
    const before = await t.db.database.db.selectFrom('events').select('bet_count').where('id', '=', event).executeTakeFirstOrThrow()
    const res = await t.client.post('/coupons', { user_id: userId, stake: 5, selections: [{ event_id: event, odds: 2 }, { event_id: event, odds: 2.5 }] })
    expect(res.status).toBe(200)
    expect(res.body.selections).toEqual([{ event_id: event, odds: 2 }, { event_id: event, odds: 2.5 }])
    expect((await t.client.get(`/coupons/${res.body.id as number}`)).body.selections).toHaveLength(2)
    const after = await t.db.database.db.selectFrom('events').select('bet_count').where('id', '=', event).executeTakeFirstOrThrow()
    expect(Number(after.bet_count) - Number(before.bet_count)).toBe(2)
  })

  it('names every bad field in detail, including inside selections', async () => {
    const res = await t.client.post('/coupons', { user_id: -1, stake: 'ten', selections: [{ event_id: 1, odds: 1 }, { odds: 2 }, { event_id: 'x', odds: 2 }] })
    expect(res.status).toBe(422)
    for (const field of ['body.user_id', 'body.stake', 'body.selections[0].odds', 'body.selections[1].event_id', 'body.selections[2].event_id']) {
      expect(res.body.detail).toContain(field)
    }
  })

  it('ignores unknown fields, at the top and inside selections', async () => {
    const res = await t.client.post('/coupons', { user_id: userId, stake: 2, currency: 'EUR', selections: [{ event_id: events[0], odds: 2, market: '1X2' }] })
    expect(res.status).toBe(200)
    expect(res.body).not.toHaveProperty('currency')
    expect(res.body.selections[0]).toEqual({ event_id: events[0], odds: 2 })
  })

  it('answers 404 for an unknown coupon', async () => {
    const res = await t.client.get(`/coupons/${freshId()}`)
    expect(res.status).toBe(404)
    expect(res.body.detail).toBe('Coupon not found')
  })

  describe('GET /coupons/user/{user_id}', () => {
    it("lists the user's coupons newest first, with their selections", async () => {
      const owner = (await create(t.client, 'users', userBody())).id
      const other = (await create(t.client, 'users', userBody())).id
      const times = ['2024-03-02T00:00:00Z', '2024-03-05T00:00:00Z', '2024-03-01T00:00:00Z', '2024-03-04T10:00:00+05:00']
      const ids: number[] = []
      for (const [i, timestamp] of times.entries()) {
        ids.push((await create(t.client, 'coupons', couponBody(owner, events.slice(0, i + 1), { timestamp }))).id)
      }
      await create(t.client, 'coupons', couponBody(other, events.slice(0, 1)))
      const res = await t.client.get(`/coupons/user/${owner as number}`)
      expect(res.status).toBe(200)
      const expected = [1, 3, 0, 2].map((i) => ids[i])
      expect(res.body.map((coupon: { id: number }) => coupon.id)).toEqual(expected)
      expect(res.body.map((coupon: { selections: unknown[] }) => coupon.selections.length)).toEqual([2, 4, 1, 3])
      for (const coupon of res.body) expect(coupon.user_id).toBe(owner)
    })

    it('answers an empty list for a user without coupons and 404 for an unknown user', async () => {
      const lonely = (await create(t.client, 'users', userBody())).id
      expect((await t.client.get(`/coupons/user/${lonely as number}`)).body).toEqual([])
      const res = await t.client.get(`/coupons/user/${freshId()}`)
      expect(res.status).toBe(404)
      expect(res.body.detail).toBe('User not found')
    })
  })

  describe('replays', () => {
    it('answers an identical replay 200 with the same object and duplicates nothing', async () => {
      const id = freshId()
      const body = couponBody(userId, [events[5] as number, events[5] as number, events[6] as number], { id, timestamp: '2024-02-03T20:48:20Z' })
      const first = await t.client.post('/coupons', body)
      const before = await counts()
      const second = await t.client.post('/coupons', { ...body, id: undefined, coupon_id: String(id), timestamp: '2024-02-03 21:48:20+01:00' })
      expect(second.status).toBe(200)
      expect(second.body).toEqual(first.body)
      expect(await counts()).toEqual(before)
    })

    it('does not compare a timestamp that only one of the two requests sent', async () => {
      const id = freshId()
      const first = await t.client.post('/coupons', couponBody(userId, [events[0] as number], { id }))
      const withTime = await t.client.post('/coupons', couponBody(userId, [events[0] as number], { id, timestamp: '2020-01-01T00:00:00Z' }))
      expect(withTime.status).toBe(200)
      expect(withTime.body).toEqual(first.body)
      const other = freshId()
      const sent = await t.client.post('/coupons', couponBody(userId, [events[0] as number], { id: other, timestamp: '2020-01-01T00:00:00Z' }))
      const without = await t.client.post('/coupons', couponBody(userId, [events[0] as number], { id: other }))
      expect(without.status).toBe(200)
      expect(without.body).toEqual(sent.body)
    })

    it.each([
      ['stake', { stake: 11 }],
      ['timestamp', { timestamp: '2024-02-03T20:48:21Z' }],
      ['selections', { selections: [{ event_id: 'B', odds: 1.5 }, { event_id: 'A', odds: 1.5 }] }],
      ['selections', { selections: [{ event_id: 'A', odds: 1.6 }, { event_id: 'B', odds: 1.5 }] }],
      ['selections', { selections: [{ event_id: 'A', odds: 1.5 }] }]
    ])('answers 409 when %s differs and changes nothing', async (field, change) => {
      const [a, b] = [events[7] as number, events[8] as number]
      const id = freshId()
      const first = await t.client.post('/coupons', couponBody(userId, [a, b], { id, timestamp: '2024-02-03T20:48:20Z' }))
      const before = await counts()
      const resolved = JSON.parse(JSON.stringify(change).replaceAll('"A"', String(a)).replaceAll('"B"', String(b)))
      const res = await t.client.post('/coupons', couponBody(userId, [a, b], { id, timestamp: '2024-02-03T20:48:20Z', ...resolved }))
      expect(res.status).toBe(409)
      expect(res.body.detail).toContain(field)
      expect(await counts()).toEqual(before)
      expect((await t.client.get(`/coupons/${id}`)).body).toEqual(first.body)
    })

    it('answers 409 when the same coupon id names another user', async () => {
      const id = freshId()
      await create(t.client, 'coupons', couponBody(userId, [events[0] as number], { id }))
      const other = (await create(t.client, 'users', userBody())).id
      const res = await t.client.post('/coupons', couponBody(other, [events[0] as number], { id }))
      expect(res.status).toBe(409)
      expect(res.body.detail).toContain('user_id')
    })
  })
})
