// POST /recommendation/generate and the recommender against a model of SPEC §Recommendations, on random
// datasets: the incrementally kept state must equal the rebuilt one, and live and `?at=` answers must equal
// what the rules say, for every user.
import fc from 'fast-check'
import { beforeEach, describe, expect, it } from 'vitest'
import { useTestApi } from '../../helpers/api.ts'
import { dialects } from '../../helpers/database.ts'
import { emptyTables, userBody } from '../../helpers/records.ts'

const HOUR = 3_600_000
const MINUTE = 60_000
const SPORTS = ['football', 'tennis', 'golf', 'darts', 'basketball']

interface ModelEvent { id: number, sport: string, begin: number, end: number }
interface ModelCoupon { userId: number, eventIds: number[], placed: number }

interface Dataset {
  users: number
  events: Array<{ sport: string, beginHours: number, hours: number }>
  coupons: Array<{ user: number, selections: number[], minutesBefore: number | null }>
  atHours: number
}

const datasetArbitrary: fc.Arbitrary<Dataset> = fc.record({
  users: fc.integer({ min: 1, max: 8 }),
  events: fc.array(fc.record({
    sport: fc.constantFrom(...SPORTS),
    beginHours: fc.integer({ min: -30, max: 30 }),
    hours: fc.integer({ min: 1, max: 6 })
  }), { minLength: 1, maxLength: 30 }),
  coupons: fc.array(fc.record({
    user: fc.nat(),
    selections: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
    // Minutes before the base; null: the client sends no timestamp and the server fills it.
    minutesBefore: fc.option(fc.integer({ min: 1, max: 3000 }), { nil: null })
  }), { maxLength: 40 }),
  atHours: fc.integer({ min: 0, max: 40 })
})

/** The rules of SPEC §Recommendations, written plainly over the whole dataset: the oracle. */
function modelRecommendation (events: ModelEvent[], coupons: ModelCoupon[], userId: number, now: number, limit: number): number[] {
  const counted = coupons.filter((coupon) => coupon.placed <= now)
  const sportOf = new Map(events.map((e) => [e.id, e.sport]))
  const stats = new Map<string, { bets: number, last: number }>()
  const betOn = new Set<number>()
  for (const coupon of counted.filter((c) => c.userId === userId)) {
    for (const eventId of coupon.eventIds) {
      betOn.add(eventId)
      const sport = sportOf.get(eventId) as string
      const stat = stats.get(sport) ?? { bets: 0, last: -Infinity }
      stats.set(sport, { bets: stat.bets + 1, last: Math.max(stat.last, coupon.placed) })
    }
  }
  const ranked = [...stats].sort(([sa, a], [sb, b]) => b.bets - a.bets || b.last - a.last || (sa < sb ? -1 : 1)).map(([sport]) => sport)
  const open = events.filter((e) => e.end > now)
  const chosen: number[] = []
  const offer = (candidates: ModelEvent[]) => {
    for (const e of candidates) if (chosen.length < limit && !betOn.has(e.id) && !chosen.includes(e.id)) chosen.push(e.id)
  }
  const byBegin = (a: ModelEvent, b: ModelEvent) => a.begin - b.begin || a.id - b.id
  for (const sport of ranked) offer(open.filter((e) => e.sport === sport).sort(byBegin))
  const popularity = new Map<number, number>()
  for (const coupon of counted) for (const id of coupon.eventIds) popularity.set(id, (popularity.get(id) ?? 0) + 1)
  offer([...open].sort((a, b) => (popularity.get(b.id) ?? 0) - (popularity.get(a.id) ?? 0) || byBegin(a, b)))
  return chosen
}

describe.each(dialects)('recommendation state on %s', (dialect) => {
  // The model below is the frequency rule (the reference's behaviour), so it is the default here.
  const t = useTestApi(dialect, { RECOMMENDER_ALGORITHM: 'frequency' })
  beforeEach(async () => { await emptyTables(t.db.database.db) })

  /** Stores the dataset (users and events in bulk, half the coupons one by one, half in bulk); returns the model's view. */
  async function load (data: Dataset, base: number): Promise<{ events: ModelEvent[], coupons: ModelCoupon[], users: number[] }> {
    const users = Array.from({ length: data.users }, (_, i) => i + 1)
    await expectAllStored(await t.client.post('/users/bulk', users.map((id) => userBody({ id }))))
    // Event times sit 17 minutes off the hour, so none ends within minutes of the base or of the `at` instant.
    const events = data.events.map((e, i) => ({ id: i + 1, sport: e.sport, begin: base + e.beginHours * HOUR + 17 * MINUTE, end: base + (e.beginHours + e.hours) * HOUR + 17 * MINUTE }))
    await expectAllStored(await t.client.post('/events/bulk', events.map((e) => ({
      id: e.id,
      sport: e.sport,
      begin_timestamp: new Date(e.begin).toISOString(),
      end_timestamp: new Date(e.end).toISOString(),
      country: 'X',
      league: 'L',
      participants: [`home ${e.id}`, `away ${e.id}`]
    }))))
    const bodies = data.coupons.map((coupon) => ({
      user_id: (coupon.user % data.users) + 1,
      stake: 2,
      ...(coupon.minutesBefore === null ? {} : { timestamp: new Date(base - coupon.minutesBefore * MINUTE).toISOString() }),
      selections: coupon.selections.map((s) => ({ event_id: (s % events.length) + 1, odds: 1.5 }))
    }))
    const half = Math.ceil(bodies.length / 2)
    const stored: Array<{ user_id: number, timestamp: string, selections: Array<{ event_id: number }> }> = []
    for (const body of bodies.slice(0, half)) {
      const res = await t.client.post('/coupons', body)
      expect(res.status).toBe(200)
      stored.push(res.body)
    }
    if (bodies.length > half) {
      const res = await t.client.post('/coupons/bulk', bodies.slice(half))
      await expectAllStored(res)
      stored.push(...res.body.results.map((r: { body: never }) => r.body))
    }
    // Placement times come from the answers: the server fills those the client left out.
    const coupons = stored.map((coupon) => ({ userId: coupon.user_id, eventIds: coupon.selections.map((s) => s.event_id), placed: Date.parse(coupon.timestamp) }))
    return { events, coupons, users }
  }

  async function recommendations (users: number[], query: string): Promise<Array<{ id: string, events: Array<{ id: number }> }>> {
    const answers = []
    for (const user of users) {
      const res = await t.client.get(`/recommendation/${user}?limit=10${query}`)
      expect(res.status).toBe(200)
      const { generated_at: _ignored, ...rest } = res.body[0]
      answers.push(rest)
    }
    return answers
  }

  async function state (): Promise<unknown> {
    const db = t.db.database.db
    return {
      stats: await db.selectFrom('user_sport_stats').select(['user_id', 'sport', 'bets', 'last_bet_at']).orderBy('user_id').orderBy('sport').execute(),
      popularity: await db.selectFrom('events').select(['id', 'bet_count']).orderBy('id').execute(),
      longest: await db.selectFrom('meta').select('value').where('key', '=', 'max_event_duration').execute()
    }
  }

  it('keeps the incremental state equal to the rebuilt one, and answers what the rules say, live and as of an instant', async () => {
    await fc.assert(fc.asyncProperty(datasetArbitrary, async (data) => {
      await emptyTables(t.db.database.db)
      const base = Date.now()
      const { events, coupons, users } = await load(data, base)

      const liveBefore = await recommendations(users, '')
      const now = Date.now()
      for (const [i, user] of users.entries()) {
        expect(liveBefore[i]?.events.map((e) => e.id), `live, user ${user}`).toEqual(modelRecommendation(events, coupons, user, now, 10))
      }
      const at = base - data.atHours * HOUR - 7_000
      const atQuery = `&at=${encodeURIComponent(new Date(at).toISOString())}`
      const asOfBefore = await recommendations(users, atQuery)
      for (const [i, user] of users.entries()) {
        expect(asOfBefore[i]?.events.map((e) => e.id), `at, user ${user}`).toEqual(modelRecommendation(events, coupons, user, at, 10))
      }

      const stateBefore = await state()
      const res = await t.client.post('/recommendation/generate')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ message: `Recommendations generated for ${users.length} users.`, users: users.length, elapsed_ms: expect.any(Number) })
      expect(res.body.elapsed_ms).toBeGreaterThanOrEqual(0)
      expect(await state()).toEqual(stateBefore)
      expect(await recommendations(users, '')).toEqual(liveBefore)
      expect(await recommendations(users, atQuery)).toEqual(asOfBefore)
    }), { numRuns: 12 })
  })

  it('answers generate on an empty database with zero users', async () => {
    const res = await t.client.post('/recommendation/generate')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ message: 'Recommendations generated for 0 users.', users: 0 })
  })

  it('repairs state that drifted, so recommendations follow the stored coupons again', async () => {
    const base = Date.now()
    const data: Dataset = {
      users: 2,
      events: [{ sport: 'golf', beginHours: -5, hours: 1 }, { sport: 'golf', beginHours: 2, hours: 1 }, { sport: 'darts', beginHours: 1, hours: 1 }],
      coupons: [{ user: 0, selections: [0, 0], minutesBefore: 10 }],
      atHours: 0
    }
    const { users } = await load(data, base)
    const before = await recommendations(users, '')
    // Corrupt the kept state the way a lost update would.
    await t.db.database.db.deleteFrom('user_sport_stats').execute()
    await t.db.database.db.updateTable('events').set({ bet_count: 0 }).execute()
    expect(await recommendations(users, '')).not.toEqual(before)
    expect((await t.client.post('/recommendation/generate')).status).toBe(200)
    expect(await recommendations(users, '')).toEqual(before)
  })
})

async function expectAllStored (res: { status: number, body: { results: Array<{ status: number, body: unknown }> } }): Promise<void> {
  expect(res.status).toBe(200)
  for (const result of res.body.results) expect(result.status, JSON.stringify(result.body)).toBe(200)
}
