// The recommendation algorithms through the API on SQLite and PostgreSQL: selection by name, the exclusion
// rules every algorithm shares (live and ?at=), explanations, bet-slip suggestions and related events.
import { beforeEach, describe, expect, it } from 'vitest'
import { ALGORITHM_NAMES } from '../../../src/domain/algorithms.ts'
import { createTestApi, useTestApi } from '../../helpers/api.ts'
import { dialects } from '../../helpers/database.ts'
import { client, couponBody, create, emptyTables, eventBody, isoAt, userBody } from '../../helpers/records.ts'

describe.each(dialects)('recommendation algorithms on %s', (dialect) => {
  // No cache: every GET sees the coupons stored just before it.
  const t = useTestApi(dialect, { RECOMMENDER_CACHE_MS: 0 })
  beforeEach(async () => { await emptyTables(t.db.database.db) })

  const now = () => Date.now()
  const fixture = async (league: string, home: string, away: string, beginHours: number, sport = 'Football', country = 'UK') =>
    (await create(t.client, 'events', eventBody({ league, sport, country, participants: [home, away] }, now(), beginHours))).id as number
  const bet = async (user: number, events: number[], hoursAgo = 1) =>
    create(t.client, 'coupons', couponBody(user, events, { timestamp: isoAt(now(), -hoursAgo) }))
  const recommend = async (user: number, query = '') => {
    const res = await t.client.get(`/recommendation/${user}${query === '' ? '' : `?${query}`}`)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body[0]
  }

  it('lists every algorithm with a description and exactly one default, the configured one', async () => {
    const res = await t.client.get('/recommendation/algorithms')
    expect(res.status).toBe(200)
    expect(res.body.map((a: { name: string }) => a.name)).toEqual([...ALGORITHM_NAMES])
    expect(res.body.filter((a: { default: boolean }) => a.default).map((a: { name: string }) => a.name)).toEqual([t.db.config.recommender.algorithm])
    for (const a of res.body) expect(a.description.length).toBeGreaterThan(20)
  })

  it('refuses an unknown algorithm with 422 naming the valid ones', async () => {
    const user = (await create(t.client, 'users', userBody())).id
    const res = await t.client.get(`/recommendation/${user}?algorithm=magic`)
    expect(res.status).toBe(422)
    expect(res.body.detail).toContain('querystring.algorithm')
    for (const name of ALGORITHM_NAMES) expect(res.body.detail).toContain(name)
  })

  it.each([...ALGORITHM_NAMES])('%s never recommends an ended event, one the user bet on, or one twice, live and as of an instant, and explains each', async (algorithm) => {
    const user = (await create(t.client, 'users', userBody())).id
    const other = (await create(t.client, 'users', userBody())).id
    const ended = await fixture('Premier League', 'Arsenal', 'Chelsea', -30)
    const mine = await fixture('Premier League', 'Arsenal', 'Everton', 20)
    const open = await Promise.all([
      fixture('Premier League', 'Arsenal', 'Fulham', 30),
      fixture('Premier League', 'Chelsea', 'Everton', 40),
      fixture('La Liga', 'Real Madrid', 'Sevilla', 50, 'Football', 'ES'),
      fixture('ATP', 'Sinner', 'Alcaraz', 10, 'Tennis', 'WORLD')
    ])
    await bet(user, [ended], 40)
    await bet(user, [mine])
    await bet(other, [open[0] as number, mine])
    await bet(other, [open[2] as number, open[3] as number])
    for (const query of [`algorithm=${algorithm}&limit=10`, `algorithm=${algorithm}&limit=10&at=${encodeURIComponent(isoAt(now(), 0))}`]) {
      const body = await recommend(user, query)
      expect(body.algorithm).toBe(algorithm)
      const ids = body.events.map((e: { id: number }) => e.id)
      expect(ids).not.toContain(ended)
      expect(ids).not.toContain(mine)
      expect(new Set(ids).size).toBe(ids.length)
      expect([...ids].sort()).toEqual([...open].sort())
      for (const e of body.events) {
        expect(typeof e.reason.code).toBe('string')
        expect(e.reason.text.length).toBeGreaterThan(10)
      }
    }
    expect((await recommend(user, `algorithm=${algorithm}&limit=2`)).events).toHaveLength(2)
  })

  it('affinity puts the next fixture of the team a user backs first, saying so', async () => {
    const user = (await create(t.client, 'users', userBody())).id
    const past = await Promise.all([fixture('Premier League', 'Arsenal', 'Chelsea', -48), fixture('Premier League', 'Arsenal', 'Everton', -24), fixture('La Liga', 'Real Madrid', 'Sevilla', -30, 'Football', 'ES')])
    for (const id of past) await bet(user, [id], 50)
    await fixture('La Liga', 'Barcelona', 'Girona', 20, 'Football', 'ES')
    await fixture('Premier League', 'Chelsea', 'Fulham', 20)
    const arsenal = await fixture('Premier League', 'Wolves', 'Arsenal', 30)
    const body = await recommend(user, 'algorithm=affinity')
    expect(body.events[0].id).toBe(arsenal)
    expect(body.events[0].reason).toEqual({ code: 'affinity.team', text: 'You backed Arsenal in 2 of your 3 coupons' })
    // Premier League before La Liga: two of three coupons against one.
    expect(body.events[1].league).toBe('Premier League')
  })

  it('affinity answers the same live and as of an instant after every coupon', async () => {
    const user = (await create(t.client, 'users', userBody())).id
    for (const [i, league] of ['Premier League', 'Serie A', 'Premier League', 'Bundesliga'].entries()) {
      await bet(user, [await fixture(league, `Home ${i}`, `Away ${i}`, -20 - i)], 30 + i)
    }
    for (let i = 0; i < 6; i++) await fixture(['Premier League', 'Serie A', 'Bundesliga'][i % 3] as string, `Team ${i}`, `Rival ${i}`, 10 + i * 7)
    const live = await recommend(user, 'algorithm=affinity&limit=6')
    const asOf = await recommend(user, `algorithm=affinity&limit=6&at=${encodeURIComponent(new Date().toISOString())}`)
    expect(asOf.events.map((e: { id: number }) => e.id)).toEqual(live.events.map((e: { id: number }) => e.id))
  })

  it('trending gives a new user what bettors back right now', async () => {
    const bettors = await Promise.all([1, 2, 3].map(async () => (await create(t.client, 'users', userBody())).id))
    const quiet = await fixture('ATP', 'Ruud', 'Fritz', 5, 'Tennis', 'WORLD')
    const busy = await fixture('Premier League', 'Liverpool', 'Arsenal', 6)
    await bet(bettors[0] as number, [quiet], 200)
    for (const b of bettors) await bet(b, [busy])
    const newcomer = (await create(t.client, 'users', userBody())).id
    const body = await recommend(newcomer, 'algorithm=trending&limit=2')
    expect(body.events.map((e: { id: number }) => e.id)).toEqual([busy, quiet])
    expect(body.events[0].reason).toEqual({ code: 'trending', text: 'Among the most backed Football events right now' })
  })

  it('co-bet suggests what others put on one coupon with the user\'s open bet', async () => {
    const [user, others] = [(await create(t.client, 'users', userBody())).id, (await create(t.client, 'users', userBody())).id]
    const derby = await fixture('Premier League', 'Liverpool', 'Everton', 20)
    const partner = await fixture('Serie A', 'Inter', 'AC Milan', 22, 'Football', 'IT')
    await fixture('Serie A', 'Roma', 'Lazio', 21, 'Football', 'IT')
    await bet(others, [derby, partner])
    await bet(others, [derby, partner])
    await bet(user, [derby])
    const body = await recommend(user, 'algorithm=co-bet&limit=1')
    expect(body.events[0].id).toBe(partner)
    expect(body.events[0].reason).toEqual({ code: 'co_bet.event', text: 'Often bet together with Liverpool v Everton' })
  })

  describe('bet-slip suggestions and related events', () => {
    async function world () {
      const bettor = (await create(t.client, 'users', userBody())).id
      const a = await fixture('Premier League', 'Arsenal', 'Chelsea', 20)
      const b = await fixture('La Liga', 'Barcelona', 'Valencia', 21, 'Football', 'ES')
      const d = await fixture('La Liga', 'Getafe', 'Osasuna', 22, 'Football', 'ES')
      const e = await fixture('Bundesliga', 'Mainz', 'Augsburg', 21, 'Football', 'DE')
      await bet(bettor, [a, b])
      await bet(bettor, [a, b, e])
      await bet(bettor, [d, e])
      return { bettor, a, b, d, e }
    }

    it('answers the open events most often bet together with the slip, strongest evidence first', async () => {
      const { a, b, e } = await world()
      const res = await t.client.post('/recommendation/slip', { selections: [{ event_id: a, odds: 1.8 }], limit: 2 })
      expect(res.status).toBe(200)
      expect(res.body.algorithm).toBe('co-bet')
      expect(res.body.events.map((x: { id: number }) => x.id)).toEqual([b, e])
      expect(res.body.events[0].reason).toEqual({ code: 'co_bet.event', text: 'Often bet together with Arsenal v Chelsea' })
      // Ids as numeric strings, as everywhere, and the default limit of 3.
      const again = await t.client.post('/recommendation/slip', { selections: [{ event_id: String(a) }] })
      expect(again.body.events.length).toBeLessThanOrEqual(3)
      expect(again.body.events[0].id).toBe(b)
    })

    it('leaves out what is on the slip and, with a user, what they already bet on', async () => {
      const { bettor, a, b, d, e } = await world()
      const res = await t.client.post('/recommendation/slip', { user_id: bettor, selections: [{ event_id: a }, { event_id: d }], limit: 10 })
      expect(res.status).toBe(200)
      const ids = res.body.events.map((x: { id: number }) => x.id)
      for (const id of [a, d, b, e]) expect(ids).not.toContain(id)
    })

    it('refuses unknown events with 422, an unknown user with 404, and bad limits and bodies with 4xx', async () => {
      const { a } = await world()
      const missing = await t.client.post('/recommendation/slip', { selections: [{ event_id: a }, { event_id: 987654 }] })
      expect(missing.status).toBe(422)
      expect(missing.body.detail).toBe('Check if Events exist')
      const nobody = await t.client.post('/recommendation/slip', { user_id: 987654, selections: [{ event_id: a }] })
      expect(nobody.status).toBe(404)
      expect(nobody.body.detail).toBe('User not found')
      for (const body of [{ selections: [] }, { selections: [{ event_id: a }], limit: 0 }, { selections: [{ event_id: a }], limit: 51 }, { selections: [{ event_id: 'x' }] }, {}, []]) {
        const res = await t.client.post('/recommendation/slip', body)
        expect(res.status, JSON.stringify(body)).toBe(422)
        expect(typeof res.body.detail).toBe('string')
      }
      expect((await t.client.raw('/recommendation/slip', '{"selections":', 'application/json')).status).toBe(400)
    })

    it('answers GET /events/{id}/related with the same kind of list, 404 for an unknown event', async () => {
      const { a, b, e } = await world()
      const res = await t.client.get(`/events/${a}/related?limit=2`)
      expect(res.status).toBe(200)
      expect(res.body.events.map((x: { id: number }) => x.id)).toEqual([b, e])
      expect((await t.client.get('/events/987654/related')).body.detail).toBe('Event not found')
      expect((await t.client.get('/events/-3/related')).status).toBe(404)
      expect((await t.client.get(`/events/${a}/related?limit=0`)).status).toBe(422)
    })

    it('falls back to leagues bet together when the event itself has no co-bets yet', async () => {
      const { b } = await world()
      const fresh = await fixture('Premier League', 'Brentford', 'Fulham', 20 + 0.5)
      const res = await t.client.get(`/events/${fresh}/related?limit=3`)
      expect(res.status).toBe(200)
      const ids = res.body.events.map((x: { id: number }) => x.id)
      expect(ids).toContain(b)
      expect(res.body.events.find((x: { id: number }) => x.id === b).reason).toEqual({ code: 'co_bet.league', text: 'Often bet together with Premier League (UK) events' })
    })
  })

  it('rebuilds every algorithm\'s state on POST /recommendation/generate to what the writes built', async () => {
    const users = await Promise.all([1, 2].map(async () => (await create(t.client, 'users', userBody())).id))
    const events = await Promise.all([0, 1, 2].map((i) => fixture(['Premier League', 'Serie A', 'ATP'][i] as string, `H${i}`, `A${i}`, 5 + 10 * i, i === 2 ? 'Tennis' : 'Football')))
    await bet(users[0] as number, [events[0] as number, events[1] as number], 5)
    await bet(users[1] as number, [events[1] as number, events[2] as number], 3)
    await bet(users[0] as number, [events[2] as number], 2)
    const db = t.db.database.db
    const snapshot = async () => ({
      features: await db.selectFrom('user_features').select(['user_id', 'feature', 'weight', 'bets', 'coupons', 'last_at']).orderBy('user_id').orderBy('feature').execute(),
      eventFeatures: await db.selectFrom('event_features').selectAll().orderBy('feature').orderBy('event_id').execute(),
      pairs: await db.selectFrom('event_pairs').selectAll().orderBy('event_id').orderBy('other_id').execute(),
      leagues: await db.selectFrom('league_pairs').selectAll().orderBy('league').orderBy('other').execute(),
      leads: await db.selectFrom('lead_times').selectAll().orderBy('hours').execute(),
      trends: await db.selectFrom('events').select(['id', 'bet_count', 'trend', 'trend_at']).orderBy('id').execute()
    })
    const written = await snapshot()
    const recommended = await recommend(users[1] as number, 'algorithm=hybrid&limit=3')
    expect((await t.client.post('/recommendation/generate')).status).toBe(200)
    const rebuilt = await snapshot()
    const round = (rows: Array<Record<string, unknown>>) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(9)) : String(v)])))
    for (const key of Object.keys(written) as Array<keyof typeof written>) expect(round(rebuilt[key]), key).toEqual(round(written[key]))
    expect(written.features.length).toBeGreaterThan(0)
    expect((await recommend(users[1] as number, 'algorithm=hybrid&limit=3')).events).toEqual(recommended.events)
  })

  it('keeps a refused coupon out of every algorithm\'s state', async () => {
    const user = (await create(t.client, 'users', userBody())).id
    const event = await fixture('Premier League', 'Arsenal', 'Chelsea', 10)
    await bet(user, [event])
    const db = t.db.database.db
    const before = await db.selectFrom('user_features').selectAll().orderBy('feature').execute()
    const refused = await t.client.post('/coupons', couponBody(user, [event, 987654]))
    expect(refused.status).toBe(422)
    expect(await db.selectFrom('user_features').selectAll().orderBy('feature').execute()).toEqual(before)
    expect(Number((await db.selectFrom('event_pairs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(0)
  })

  it('shows a new event at the next GET even with the shared caches on', async () => {
    const cached = await createTestApi(dialect)
    try {
      const cc = client(cached.api)
      const user = (await create(cc, 'users', userBody())).id
      const past = (await create(cc, 'events', eventBody({ league: 'Serie A', participants: ['Inter', 'Roma'] }, now(), -30))).id
      await create(cc, 'coupons', couponBody(user, [past], { timestamp: isoAt(now(), -40) }))
      await create(cc, 'events', eventBody({ league: 'Serie A', participants: ['Lazio', 'Napoli'] }, now(), 50))
      expect((await cc.get(`/recommendation/${user}?algorithm=affinity`)).body[0].events).toHaveLength(1)
      const next = (await create(cc, 'events', eventBody({ league: 'Serie A', participants: ['Inter', 'Genoa'] }, now(), 20))).id
      expect((await cc.get(`/recommendation/${user}?algorithm=affinity`)).body[0].events[0].id).toBe(next)
    } finally {
      await cached.close()
    }
  })

  it('fills every algorithm\'s slots for a user with no history', async () => {
    await fixture('Premier League', 'Arsenal', 'Chelsea', 10)
    await fixture('ATP', 'Sinner', 'Alcaraz', 12, 'Tennis', 'WORLD')
    const user = (await create(t.client, 'users', userBody())).id
    for (const algorithm of ALGORITHM_NAMES) expect((await recommend(user, `algorithm=${algorithm}`)).events, algorithm).toHaveLength(2)
  })
})
