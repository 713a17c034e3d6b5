// SPEC §Recommendations through the API, on both dialects and in both modes: live (events around the real
// now, computed from the incrementally kept state) and `?at=` (a past instant, computed from raw coupons).
import { beforeEach, describe, expect, it } from 'vitest'
import { MAX_COUPON_SELECTIONS } from '../../../src/domain/schemas.ts'
import { SPORT_EVENTS_CACHED } from '../../../src/recommender/inputs.ts'
import { useTestApi } from '../../helpers/api.ts'
import { dialects } from '../../helpers/database.ts'
import { create, emptyTables, isoAt, userBody, type Client } from '../../helpers/records.ts'

interface Mode { name: string, base: () => number, query: (base: number) => string }

const MODES: Mode[] = [
  { name: 'live', base: () => Date.now(), query: () => '' },
  { name: 'at', base: () => Date.UTC(2024, 5, 1, 12), query: (base) => `at=${encodeURIComponent(new Date(base).toISOString())}` }
]

interface EventOptions { id?: number, durationHours?: number }

/** Records placed relative to a base instant: hours for events, minutes before it for coupons. */
function world (c: Client, base: number, mode: Mode) {
  let nextEventId = 100
  return {
    async user (): Promise<number> {
      return (await create(c, 'users', userBody())).id
    },
    async event (sport: string, beginHours: number, { id, durationHours = 2 }: EventOptions = {}): Promise<number> {
      const eventId = id ?? nextEventId++
      await create(c, 'events', {
        id: eventId,
        begin_timestamp: isoAt(base, beginHours),
        end_timestamp: isoAt(base, beginHours + durationHours),
        country: 'Anywhere',
        league: `${sport} league`,
        sport,
        participants: [`${sport} ${eventId} home`, `${sport} ${eventId} away`]
      })
      return eventId
    },
    /** One coupon of `userId` with one selection per listed event (repeats allowed), `minutesBefore` the base. */
    async bet (userId: number, eventIds: number[], minutesBefore = 60): Promise<void> {
      await create(c, 'coupons', {
        user_id: userId,
        stake: 5,
        timestamp: isoAt(base, -minutesBefore / 60),
        selections: eventIds.map((eventId) => ({ event_id: eventId, odds: 1.8 }))
      })
    },
    /** Another user's coupons that make events popular: `times` selections on each. */
    async popular (eventIds: number[], times: number): Promise<void> {
      const fan = (await create(c, 'users', userBody())).id
      for (let i = 0; i < times; i++) {
        await create(c, 'coupons', { user_id: fan, stake: 1, timestamp: isoAt(base, -2), selections: eventIds.map((eventId) => ({ event_id: eventId, odds: 2 })) })
      }
    },
    async recommendation (userId: number, params = ''): Promise<any> {
      const query = [mode.query(base), params].filter((p) => p !== '').join('&')
      const res = await c.get(`/recommendation/${userId}${query === '' ? '' : `?${query}`}`)
      if (res.status !== 200) throw new Error(`GET recommendation answered ${res.status}: ${JSON.stringify(res.body)}`)
      return res.body
    },
    async ids (userId: number, limit?: number): Promise<number[]> {
      const body = await this.recommendation(userId, limit === undefined ? '' : `limit=${limit}`)
      return body[0].events.map((e: { id: number }) => e.id)
    }
  }
}

describe.each(dialects)('recommendations on %s', (dialect) => {
  // These are the frequency rule's tests (the reference's behaviour), so it is the default here.
  const t = useTestApi(dialect, { RECOMMENDER_ALGORITHM: 'frequency' })
  beforeEach(async () => { await emptyTables(t.db.database.db) })

  describe.each(MODES)('$name', (mode) => {
    let w: ReturnType<typeof world>
    let base: number
    beforeEach(() => {
      base = mode.base()
      w = world(t.client, base, mode)
    })

    it('answers a list holding one recommendation whose events are the stored events', async () => {
      const user = await w.user()
      const a = await w.event('golf', 1)
      const body = await w.recommendation(user)
      expect(body).toHaveLength(1)
      expect(body[0]).toMatchObject({ user_id: user, algorithm: 'frequency', id: expect.any(Number) })
      // Each event is the stored event plus why it was chosen (an added field).
      expect(body[0].events.map(({ reason: _reason, ...event }: { reason: unknown }) => event)).toEqual([(await t.client.get(`/events/${a}`)).body])
      expect(body[0].events[0].reason).toEqual({ code: 'popular', text: 'Among the most bet-on open events' })
      if (mode.name === 'at') expect(body[0].generated_at).toBe(new Date(base).toISOString().replace('Z', '000Z'))
      else expect(Math.abs(Date.parse(body[0].generated_at) - Date.now())).toBeLessThan(60_000)
    })

    it('gives the same recommendation id for the same content and another for other content', async () => {
      const user = await w.user()
      await w.event('golf', 1)
      const first = (await w.recommendation(user))[0]
      expect((await w.recommendation(user))[0].id).toBe(first.id)
      await w.event('golf', 0.5)
      expect((await w.recommendation(user))[0].id).not.toBe(first.id)
    })

    it('prefers the sport with the most selections, counting selections rather than coupons', async () => {
      const user = await w.user()
      const pastTennis = await w.event('tennis', -30)
      const pastFootball = [await w.event('football', -30), await w.event('football', -29), await w.event('football', -28)]
      await w.bet(user, [pastTennis], 10)
      await w.bet(user, [pastTennis], 5)
      await w.bet(user, pastFootball, 60)
      const football = await w.event('football', 5)
      const tennis = await w.event('tennis', 1)
      expect(await w.ids(user, 1)).toEqual([football])
      expect(await w.ids(user, 2)).toEqual([football, tennis])
    })

    it('counts an event named twice in one coupon twice', async () => {
      const user = await w.user()
      const pastTennis = await w.event('tennis', -30)
      const pastGolf = [await w.event('golf', -30), await w.event('golf', -29)]
      await w.bet(user, [pastTennis, pastTennis, pastTennis], 60)
      await w.bet(user, pastGolf, 1)
      const tennis = await w.event('tennis', 3)
      await w.event('golf', 1)
      expect(await w.ids(user, 1)).toEqual([tennis])
    })

    it('breaks a tie in selections by the sport bet on most recently', async () => {
      const user = await w.user()
      const pastTennis = await w.event('tennis', -30)
      const pastFootball = await w.event('football', -30)
      await w.bet(user, [pastTennis], 10)
      await w.bet(user, [pastFootball], 20)
      const football = await w.event('football', 1)
      const tennis = await w.event('tennis', 2)
      expect(await w.ids(user, 2)).toEqual([tennis, football])
      await w.bet(user, [pastFootball], 15)
      expect(await w.ids(user, 2)).toEqual([football, tennis])
      // Tied again; a coupon stored late but placed early must not make tennis's last bet older.
      await w.bet(user, [pastTennis], 30)
      expect(await w.ids(user, 2)).toEqual([tennis, football])
    })

    it('breaks a tie in selections and time alphabetically', async () => {
      const user = await w.user()
      const past = [await w.event('tennis', -30), await w.event('basketball', -30), await w.event('football', -30)]
      await w.bet(user, past, 10)
      const tennis = await w.event('tennis', 1)
      const basketball = await w.event('basketball', 3)
      const football = await w.event('football', 2)
      expect(await w.ids(user, 3)).toEqual([basketball, football, tennis])
    })

    it('orders a sport by soonest begin, then lowest id', async () => {
      const user = await w.user()
      await w.bet(user, [await w.event('hockey', -30)])
      await w.event('hockey', 3, { id: 5 })
      await w.event('hockey', 1, { id: 9 })
      await w.event('hockey', 1, { id: 7 })
      await w.event('hockey', 2, { id: 8 })
      expect(await w.ids(user, 4)).toEqual([7, 9, 8, 5])
    })

    it('reads on past the soonest events an API instance keeps of a sport when the user bet on all of them', async () => {
      const user = await w.user()
      const soonest: number[] = []
      for (let i = 0; i < SPORT_EVENTS_CACHED + 4; i++) soonest.push(await w.event('squash', 1 + i / 60))
      const bet = soonest.slice(0, SPORT_EVENTS_CACHED)
      for (let i = 0; i < bet.length; i += MAX_COUPON_SELECTIONS) await w.bet(user, bet.slice(i, i + MAX_COUPON_SELECTIONS))
      const next = soonest.slice(SPORT_EVENTS_CACHED)
      // A popular event of another sport: the fill would offer it before the sport's later events.
      await w.popular([await w.event('golf', 2)], 3)
      expect(await w.ids(user, 3)).toEqual(next.slice(0, 3))
      // A GET of another user has the sport's soonest events cached now; this user's next bet still counts.
      await w.ids(await w.user(), 3)
      await w.bet(user, [next[0] as number])
      expect(await w.ids(user, 3)).toEqual(next.slice(1, 4))
    })

    it('never recommends an ended event or one the user bet on, and keeps events in progress', async () => {
      const user = await w.user()
      const betOn = await w.event('rugby', 1)
      const inProgress = await w.event('rugby', -1, { durationHours: 2 })
      await w.event('rugby', -5, { durationHours: 2 })
      await w.event('rugby', -2, { durationHours: 2 }) // ends at the base instant
      const later = await w.event('rugby', 4)
      await w.bet(user, [betOn])
      // The event bet on is also the most popular overall, which must not bring it back through the fill.
      await w.popular([betOn], 5)
      expect(await w.ids(user, 10)).toEqual([inProgress, later])
    })

    it('never holds the same event twice, whichever sources offer it', async () => {
      const user = await w.user()
      const past = [await w.event('cricket', -30), await w.event('darts', -30)]
      await w.bet(user, past, 10)
      const cricket = await w.event('cricket', 1)
      const darts = await w.event('darts', 2)
      await w.popular([cricket, darts], 3)
      const ids = await w.ids(user, 10)
      expect(ids).toEqual([cricket, darts])
    })

    it('fills from the next sports in preference order, then from the most-bet-on open events overall', async () => {
      const user = await w.user()
      const past = { a: await w.event('a-sport', -30), b: await w.event('b-sport', -30), c: await w.event('c-sport', -30) }
      await w.bet(user, [past.b, past.b, past.b], 30)
      await w.bet(user, [past.c, past.c], 20)
      await w.bet(user, [past.a], 10)
      const b1 = await w.event('b-sport', 9)
      const c1 = await w.event('c-sport', 8)
      const c2 = await w.event('c-sport', 7)
      const a1 = await w.event('a-sport', 1)
      const other = [await w.event('other', 1), await w.event('other', 2), await w.event('other', 3)]
      await w.popular([other[2] as number], 3)
      await w.popular([other[1] as number], 1)
      expect(await w.ids(user, 7)).toEqual([b1, c2, c1, a1, other[2], other[1], other[0]])
      expect(await w.ids(user, 5)).toEqual([b1, c2, c1, a1, other[2]])
    })

    it('gives a user without coupons the most-bet-on open events: ties to soonest, then lowest id, unbet last', async () => {
      const fresh = await w.user()
      const quiet = await w.event('golf', 0.5, { id: 1 })
      const twice = await w.event('golf', 5, { id: 2 })
      const onceLate = await w.event('golf', 4, { id: 3 })
      const onceSoonHigh = await w.event('golf', 2, { id: 6 })
      const onceSoonLow = await w.event('golf', 2, { id: 4 })
      const endedPopular = await w.event('golf', -10, { id: 5 })
      await w.popular([twice], 2)
      await w.popular([onceLate, onceSoonHigh, onceSoonLow], 1)
      await w.popular([endedPopular], 9)
      expect(await w.ids(fresh, 10)).toEqual([twice, onceSoonLow, onceSoonHigh, onceLate, quiet])
      expect(await w.ids(fresh)).toEqual([twice, onceSoonLow, onceSoonHigh])
    })

    it('recommends nothing when no event is open', async () => {
      const user = await w.user()
      await w.event('golf', -10)
      expect(await w.ids(user)).toEqual([])
    })

    it('answers limit events, 3 by default, at most 50', async () => {
      const user = await w.user()
      for (let i = 0; i < 55; i++) await w.event('padel', 1 + i / 10, { id: 1000 + i })
      expect(await w.ids(user)).toEqual([1000, 1001, 1002])
      expect(await w.ids(user, 1)).toEqual([1000])
      expect(await w.ids(user, 50)).toEqual(Array.from({ length: 50 }, (_, i) => 1000 + i))
    })

    it('answers 404 User not found for an unknown user', async () => {
      const query = mode.query(base)
      const res = await t.client.get(`/recommendation/424242${query === '' ? '' : `?${query}`}`)
      expect(res.status).toBe(404)
      expect(res.body.detail).toBe('User not found')
    })
  })

  describe('query parameters', () => {
    it.each(['0', '51', 'x', '1.5', '-1', '', '3x', '1e9'])('refuses limit=%j with 422', async (limit) => {
      const user = (await create(t.client, 'users', userBody())).id
      const res = await t.client.get(`/recommendation/${user as number}?limit=${limit}`)
      expect(res.status).toBe(422)
      expect(res.body.detail).toContain('limit')
    })

    it.each(['yesterday', '2024-02-30', '2024-13-01T00:00:00Z', '', '2024-01-01T25:00:00'])('refuses at=%j with 422', async (at) => {
      const user = (await create(t.client, 'users', userBody())).id
      const res = await t.client.get(`/recommendation/${user as number}?at=${encodeURIComponent(at)}`)
      expect(res.status).toBe(422)
      expect(res.body.detail).toContain('at')
    })
  })

  describe('as of ?at=', () => {
    const at = Date.UTC(2024, 5, 1, 12)
    const atQuery = (instant: number) => `at=${encodeURIComponent(new Date(instant).toISOString())}`
    let w: ReturnType<typeof world>
    beforeEach(() => { w = world(t.client, at, MODES[1] as Mode) })

    it('counts coupons placed at or before the instant, not after', async () => {
      const user = await w.user()
      const pastTennis = await w.event('tennis', -30)
      const pastGolf = await w.event('golf', -30)
      await w.bet(user, [pastTennis], 0) // exactly at
      await w.bet(user, [pastGolf, pastGolf], -1) // one minute after
      const tennis = await w.event('tennis', 2)
      const golf = await w.event('golf', 1)
      const body = (await t.client.get(`/recommendation/${user}?${atQuery(at)}&limit=1`)).body
      expect(body[0].events.map((e: { id: number }) => e.id)).toEqual([tennis])
      const later = (await t.client.get(`/recommendation/${user}?${atQuery(at + 120_000)}&limit=1`)).body
      expect(later[0].events.map((e: { id: number }) => e.id)).toEqual([golf])
    })

    it('does not exclude an event the user bets on only after the instant', async () => {
      const user = await w.user()
      const golf = await w.event('golf', 1)
      await w.bet(user, [golf], -30)
      expect((await t.client.get(`/recommendation/${user}?${atQuery(at)}`)).body[0].events.map((e: { id: number }) => e.id)).toEqual([golf])
      expect((await t.client.get(`/recommendation/${user}?${atQuery(at + 3_600_000)}`)).body[0].events).toEqual([])
    })

    it('counts popularity from coupons placed at or before the instant', async () => {
      const fresh = await w.user()
      const soon = await w.event('golf', 1)
      const late = await w.event('golf', 5)
      const fan = await w.user()
      await w.bet(fan, [late], -10) // after the instant
      expect((await t.client.get(`/recommendation/${fresh}?${atQuery(at)}&limit=2`)).body[0].events.map((e: { id: number }) => e.id)).toEqual([soon, late])
      expect((await t.client.get(`/recommendation/${fresh}?${atQuery(at + 3_600_000)}&limit=2`)).body[0].events.map((e: { id: number }) => e.id)).toEqual([late, soon])
    })

    it('judges "ended" at the instant: an event ending exactly then is over, one ending a microsecond later is not', async () => {
      const user = await w.user()
      await create(t.client, 'events', { id: 1, begin_timestamp: isoAt(at, -2), end_timestamp: new Date(at).toISOString(), country: 'X', league: 'L', sport: 'golf', participants: ['A', 'B'] })
      await create(t.client, 'events', { id: 2, begin_timestamp: isoAt(at, -2), end_timestamp: new Date(at).toISOString().replace('Z', '001Z'), country: 'X', league: 'L', sport: 'golf', participants: ['A', 'B'] })
      expect((await t.client.get(`/recommendation/${user}?${atQuery(at)}`)).body[0].events.map((e: { id: number }) => e.id)).toEqual([2])
    })

    it('reads an at with an offset or without a zone as the same instant', async () => {
      const user = await w.user()
      await w.event('golf', 0.5)
      await w.event('golf', -1, { durationHours: 1.25 }) // ends at + 15 minutes
      const utc = (await t.client.get(`/recommendation/${user}?at=2024-06-01T12:00:00Z`)).body[0]
      const zoneless = (await t.client.get(`/recommendation/${user}?at=${encodeURIComponent('2024-06-01 12:00:00')}`)).body[0]
      const offset = (await t.client.get(`/recommendation/${user}?at=${encodeURIComponent('2024-06-01T14:00:00+02:00')}`)).body[0]
      // `+` typed unencoded in a query string arrives as a space; it is read as the offset it was.
      const plus = (await t.client.get(`/recommendation/${user}?at=2024-06-01T14:00:00+02:00`)).body[0]
      const negative = (await t.client.get(`/recommendation/${user}?at=2024-06-01T10:00:00.000-02:00`)).body[0]
      expect(utc.events).toHaveLength(2)
      expect(zoneless).toEqual(utc)
      expect(offset).toEqual(utc)
      expect(plus).toEqual(utc)
      expect(negative).toEqual(utc)
    })
  })

  describe('freshness', () => {
    it('reflects a stored event and a stored coupon in the next GET', async () => {
      const base = Date.now()
      const w = world(t.client, base, MODES[0] as Mode)
      const user = await w.user()
      const pastTennis = await w.event('tennis', -30)
      await w.bet(user, [pastTennis])
      const football = await w.event('football', 1)
      expect(await w.ids(user, 2)).toEqual([football])

      const tennis = await w.event('tennis', 6)
      expect(await w.ids(user, 2)).toEqual([tennis, football])

      // Betting on the tennis event removes it; three football selections make football the favourite.
      const football2 = await w.event('football', 2)
      await w.bet(user, [tennis, football2, football2, football2], 1)
      expect(await w.ids(user, 3)).toEqual([football])
    })
  })
})
