// Responsible gambling through the API on SQLite and PostgreSQL: changes and their audit history, replays,
// bulk sync, and enforcement on every read path (each algorithm the service lists, live and ?at=, bet-slip
// suggestions, related events), with the withheld answers counted in /metrics.
import { setTimeout as sleep } from 'node:timers/promises'
import fc from 'fast-check'
import { beforeEach, describe, expect, it } from 'vitest'
import { Guardrails } from '../../../src/domain/schemas.ts'
import { bodyAjv } from '../../../src/domain/validation.ts'
import { useTestApi } from '../../helpers/api.ts'
import { dialects } from '../../helpers/database.ts'
import { couponBody, create, emptyTables, eventBody, isoAt, userBody } from '../../helpers/records.ts'

const FAR_FUTURE = '9999-12-31T00:00:00.000000Z'

describe.each(dialects)('responsible gambling on %s', (dialect) => {
  const t = useTestApi(dialect, { RECOMMENDER_CACHE_MS: 0 })
  beforeEach(async () => { await emptyTables(t.db.database.db) })

  const rg = (user: number) => `/users/${user}/responsible-gambling`
  const put = async (user: number, body: unknown) => {
    const res = await t.client.put(rg(user), body)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body
  }
  const history = async (user: number) => (await t.client.get(rg(user))).body.history as Array<Record<string, any>>

  /** A bettor with a taste (two football coupons) and open events to recommend, plus other bettors' coupons. */
  async function bettor () {
    const user = (await create(t.client, 'users', userBody())).id as number
    const other = (await create(t.client, 'users', userBody())).id as number
    const event = async (league: string, home: string, away: string, hours: number, sport = 'Football') =>
      (await create(t.client, 'events', eventBody({ league, sport, participants: [home, away] }, Date.now(), hours))).id as number
    const a = await event('Premier League', 'Arsenal', 'Chelsea', 10)
    const b = await event('Premier League', 'Arsenal', 'Everton', 20)
    const d = await event('Premier League', 'Chelsea', 'Fulham', 30)
    const e = await event('ATP', 'Sinner', 'Alcaraz', 15, 'Tennis')
    const f = await event('La Liga', 'Real Madrid', 'Sevilla', 25)
    await create(t.client, 'coupons', couponBody(user, [a], { timestamp: isoAt(Date.now(), -2) }))
    await create(t.client, 'coupons', couponBody(other, [a, b], { timestamp: isoAt(Date.now(), -1) }))
    await create(t.client, 'coupons', couponBody(other, [e, e], { timestamp: isoAt(Date.now(), -1) }))
    await create(t.client, 'coupons', couponBody(other, [f], { timestamp: isoAt(Date.now(), -1) }))
    return { user, events: { a, b, d, e, f } }
  }

  it('answers the default state and an empty history for a user never changed', async () => {
    const user = (await create(t.client, 'users', userBody())).id
    const res = await t.client.get(rg(user))
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ user_id: user, self_excluded_until: null, self_excluded: false, marketing_opt_out: false, updated_at: null, history: [] })
  })

  it('stores each change with the fields moved, old to new, its reason and source, in order', async () => {
    const user = (await create(t.client, 'users', userBody())).id
    const first = await put(user, { self_excluded_until: '2030-01-01T00:00:00+02:00', reason: 'player request' })
    expect(first).toMatchObject({ user_id: user, self_excluded_until: '2029-12-31T22:00:00.000000Z', self_excluded: true, marketing_opt_out: false })
    await put(user, { marketing_opt_out: true })
    const last = await put(user, { self_excluded_until: null, marketing_opt_out: true, reason: 'exclusion revoked by review' })
    expect(last).toMatchObject({ self_excluded_until: null, self_excluded: false, marketing_opt_out: true })
    const res = await t.client.get(rg(user))
    expect(res.body).toMatchObject({ self_excluded_until: null, marketing_opt_out: true, updated_at: last.updated_at })
    const entries = res.body.history
    expect(entries.map((h: any) => h.changes)).toEqual([
      [{ field: 'self_excluded_until', old: null, new: '2029-12-31T22:00:00.000000Z' }],
      [{ field: 'marketing_opt_out', old: false, new: true }],
      [{ field: 'self_excluded_until', old: '2029-12-31T22:00:00.000000Z', new: null }]
    ])
    expect(entries.map((h: any) => h.reason)).toEqual(['player request', null, 'exclusion revoked by review'])
    expect(entries.map((h: any) => h.source)).toEqual(['api', 'api', 'api'])
    const instants = entries.map((h: any) => Date.parse(h.at))
    expect([...instants].sort((x, y) => x - y)).toEqual(instants)
  })

  it('changes nothing and adds no history for a replay: the same values, or a change id already applied', async () => {
    const user = (await create(t.client, 'users', userBody())).id
    const state = await put(user, { marketing_opt_out: true, change_id: 77 })
    expect(await put(user, { marketing_opt_out: true, change_id: 77 })).toEqual(state)
    expect(await put(user, { marketing_opt_out: true })).toEqual(state)
    expect(await history(user)).toHaveLength(1)
    // A change id already applied is a replay even when the state has moved on since: it must not undo that.
    await put(user, { marketing_opt_out: false })
    expect((await put(user, { marketing_opt_out: true, change_id: 77 })).marketing_opt_out).toBe(false)
    expect(await history(user)).toHaveLength(2)
  })

  it('answers 404 User not found for an unknown user and 422 naming each bad field, storing nothing', async () => {
    expect((await t.client.put(rg(987654), { marketing_opt_out: true })).body.detail).toBe('User not found')
    expect((await t.client.get(rg(987654))).status).toBe(404)
    const user = (await create(t.client, 'users', userBody())).id
    const cases: Array<[unknown, string]> = [
      [{}, 'body: must set self_excluded_until or marketing_opt_out'],
      [{ self_excluded_until: 'next tuesday' }, 'body.self_excluded_until'],
      [{ self_excluded_until: 12 }, 'body.self_excluded_until'],
      [{ marketing_opt_out: 'yes' }, 'body.marketing_opt_out'],
      [{ marketing_opt_out: true, reason: 'x'.repeat(501) }, 'body.reason'],
      [{ marketing_opt_out: true, reason: 'nul\u0000' }, 'body.reason'],
      [{ marketing_opt_out: true, change_id: -1 }, 'body.change_id'],
      [[], 'body'],
      ['true', 'body']
    ]
    for (const [body, field] of cases) {
      const res = await t.client.put(rg(user), body)
      expect(res.status, JSON.stringify(body)).toBe(422)
      expect(res.body.detail).toContain(field)
    }
    expect((await t.client.put(rg(user), 'not json{')).status).toBe(422)
    const malformed = await t.api.inject({ method: 'PUT', url: rg(user), payload: '{"marketing_opt_out":', headers: { 'content-type': 'application/json' } })
    expect(malformed.statusCode).toBe(400)
    expect((await t.client.put('/users/abc/responsible-gambling', { marketing_opt_out: true })).status).toBe(422)
    expect((await t.client.put('/users/-3/responsible-gambling', { marketing_opt_out: true })).status).toBe(404)
    expect(await t.client.get(rg(user))).toMatchObject({ body: { marketing_opt_out: false, history: [] } })
  })

  it('answers hostile bodies on PUT and in bulk with a 4xx naming the problem or a well-formed state, never a 5xx', async () => {
    const user = (await create(t.client, 'users', userBody())).id
    const isState = bodyAjv.compile(Guardrails)
    const value = fc.oneof(
      fc.constantFrom(null, true, false, 0, -1, 1e308, '', '\u0000', '\uD800', '9999-12-31T23:59:59Z', '2024-02-30', '0050-01-01', 'x'.repeat(600), [], {}),
      fc.jsonValue({ maxDepth: 2 })
    )
    const body = fc.dictionary(fc.constantFrom('self_excluded_until', 'marketing_opt_out', 'reason', 'change_id', 'user_id', '__proto__'), value, { maxKeys: 4 })
    const expectAnswer = (status: number, answer: any, input: unknown) => {
      expect(status, JSON.stringify(input)).toBeLessThan(500)
      if (status >= 400) expect(typeof answer.detail, JSON.stringify(input)).toBe('string')
      else expect(isState(answer), JSON.stringify(answer)).toBe(true)
    }
    await fc.assert(fc.asyncProperty(fc.oneof(body, value), async (input) => {
      const res = await t.client.put(rg(user), input)
      expectAnswer(res.status, res.body, input)
    }), { numRuns: 100 })
    await fc.assert(fc.asyncProperty(fc.array(fc.oneof(body.map((b) => ({ user_id: user, ...b })), value), { minLength: 1, maxLength: 8 }), async (entries) => {
      const res = await t.client.post('/responsible-gambling/bulk', entries)
      // A __proto__ key anywhere is refused whole, as on every endpoint (422); otherwise each entry answers.
      if (JSON.stringify(entries).includes('"__proto__"')) {
        expect(res.status).toBe(422)
        return
      }
      expect(res.status).toBe(200)
      expect(res.body.results).toHaveLength(entries.length)
      for (const r of res.body.results) expectAnswer(r.status, r.body, entries)
    }), { numRuns: 40 })
    // Whatever was accepted, the state reads back as the last entry of its history says.
    const after = (await t.client.get(rg(user))).body
    const last = after.history.at(-1)?.changes ?? []
    for (const change of last) expect(after[change.field]).toEqual(change.new)
  })

  it('applies a bulk sync in order with one result per entry, refusing bad entries alone', async () => {
    const a = (await create(t.client, 'users', userBody())).id
    const b = (await create(t.client, 'users', userBody())).id
    const res = await t.client.post('/responsible-gambling/bulk', [
      { user_id: a, self_excluded_until: FAR_FUTURE, reason: 'operator sync' },
      { user_id: 555555, marketing_opt_out: true },
      { user_id: b, marketing_opt_out: 'maybe' },
      { user_id: String(b), marketing_opt_out: true },
      { user_id: a, self_excluded_until: null },
      { user_id: a, self_excluded_until: null }
    ])
    expect(res.status).toBe(200)
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([200, 404, 422, 200, 200, 200])
    expect(res.body.results[1].body.detail).toBe('User not found')
    expect(res.body.results[2].body.detail).toContain('body.marketing_opt_out')
    expect(res.body.results[3].body).toMatchObject({ user_id: b, marketing_opt_out: true })
    const historyOfA = await history(a)
    expect(historyOfA.map((h) => [h.source, h.changes[0].new])).toEqual([['bulk', '9999-12-31T23:59:59.999999Z'], ['bulk', null]])
    expect((await t.client.post('/responsible-gambling/bulk', new Array(5001).fill({ user_id: a, marketing_opt_out: true }))).status).toBe(422)
    expect((await t.client.post('/responsible-gambling/bulk?source=api', [{ user_id: a, marketing_opt_out: true }])).status).toBe(422)
  })

  it('withholds every algorithm the service lists, live and as of an instant, from the next GET after the exclusion is stored', async () => {
    const { user } = await bettor()
    const algorithms = (await t.client.get('/recommendation/algorithms')).body.map((a: { name: string }) => a.name) as string[]
    expect(algorithms.length).toBeGreaterThan(1)
    const at = encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())
    for (const algorithm of algorithms) {
      const before = (await t.client.get(`/recommendation/${user}?algorithm=${algorithm}&limit=5`)).body[0]
      expect(before.events.length, algorithm).toBeGreaterThan(0)
      expect(before.withheld).toBeNull()
    }
    await put(user, { self_excluded_until: FAR_FUTURE })
    for (const algorithm of algorithms) {
      for (const query of [`algorithm=${algorithm}`, `algorithm=${algorithm}&at=${at}`, `algorithm=${algorithm}&at=2020-01-01T00:00:00Z&limit=50`]) {
        const res = await t.client.get(`/recommendation/${user}?${query}`)
        expect(res.status).toBe(200)
        expect(res.body[0], query).toMatchObject({ user_id: user, algorithm, events: [], withheld: 'self_excluded', personalised: false })
      }
    }
    const defaultAnswer = (await t.client.get(`/recommendation/${user}`)).body[0]
    expect(defaultAnswer).toMatchObject({ events: [], withheld: 'self_excluded' })
  })

  it('withholds bet-slip suggestions and related events for a self-excluded user, and still serves anonymous ones', async () => {
    const { user, events } = await bettor()
    const slipBefore = await t.client.post('/recommendation/slip', { user_id: user, selections: [{ event_id: events.a }] })
    expect(slipBefore.body.events.length).toBeGreaterThan(0)
    await put(user, { self_excluded_until: FAR_FUTURE })
    const slip = await t.client.post('/recommendation/slip', { user_id: user, selections: [{ event_id: events.a }] })
    expect(slip.status).toBe(200)
    expect(slip.body).toMatchObject({ events: [], withheld: 'self_excluded', personalised: false })
    const related = await t.client.get(`/events/${events.a}/related?user_id=${user}`)
    expect(related.body).toMatchObject({ events: [], withheld: 'self_excluded' })
    const anonymous = await t.client.get(`/events/${events.a}/related`)
    expect(anonymous.body.withheld).toBeNull()
    expect(anonymous.body.events.length).toBeGreaterThan(0)
    expect((await t.client.get(`/events/${events.a}/related?user_id=424242`)).status).toBe(404)
  })

  it('lifts an exclusion by itself once its end has passed, but never for an instant asked inside it', async () => {
    const { user } = await bettor()
    const until = new Date(Date.now() + 4000)
    await put(user, { self_excluded_until: until.toISOString() })
    expect((await t.client.get(`/recommendation/${user}`)).body[0].withheld).toBe('self_excluded')
    await sleep(until.getTime() - Date.now() + 100)
    const lifted = (await t.client.get(`/recommendation/${user}`)).body[0]
    expect(lifted.withheld).toBeNull()
    expect(lifted.events.length).toBeGreaterThan(0)
    expect((await t.client.get(rg(user))).body.self_excluded).toBe(false)
    const inside = encodeURIComponent(new Date(until.getTime() - 1000).toISOString())
    expect((await t.client.get(`/recommendation/${user}?at=${inside}`)).body[0].withheld).toBe('self_excluded')
  })

  it('gives a user who opted out of marketing only the non-personalised cold-start list, on every algorithm and slip', async () => {
    const { user, events } = await bettor()
    await put(user, { marketing_opt_out: true })
    // Most bet-on open events first (e: two selections, b: one), never one the user bet on (a).
    const expected = [events.e, events.b, events.f]
    const algorithms = (await t.client.get('/recommendation/algorithms')).body.map((a: { name: string }) => a.name) as string[]
    for (const algorithm of algorithms) {
      const answer = (await t.client.get(`/recommendation/${user}?algorithm=${algorithm}`)).body[0]
      expect(answer, algorithm).toMatchObject({ personalised: false, withheld: null })
      expect(answer.events.map((e: { id: number }) => e.id), algorithm).toEqual(expected)
      for (const e of answer.events) expect(e.reason.code).toBe('popular')
    }
    const slip = (await t.client.post('/recommendation/slip', { user_id: user, selections: [{ event_id: events.e }] })).body
    expect(slip).toMatchObject({ personalised: false, withheld: null })
    expect(slip.events.map((e: { id: number }) => e.id)).toEqual([events.b, events.f, events.d])
    await put(user, { marketing_opt_out: false })
    expect((await t.client.get(`/recommendation/${user}?algorithm=affinity`)).body[0].personalised).toBe(true)
  })

  it('never carries a stake, a bonus or an odds boost in a recommendation', async () => {
    const { user, events } = await bettor()
    const answers = [
      (await t.client.get(`/recommendation/${user}?limit=10`)).body,
      (await t.client.post('/recommendation/slip', { user_id: user, selections: [{ event_id: events.a }] })).body,
      (await t.client.get(`/events/${events.a}/related`)).body
    ]
    const text = JSON.stringify(answers)
    expect(text).toContain(`"id":${events.b}`)
    for (const word of ['stake', 'bonus', 'boost', 'odds']) expect(text).not.toContain(word)
  })

  it('counts withheld answers by reason and path in /metrics', async () => {
    const { user, events } = await bettor()
    const metric = async (...labels: string[]) => {
      const text = (await t.client.get('/metrics')).body as string
      const line = text.split('\n').find((l) => l.startsWith('recommendations_withheld_total{') && labels.every((label) => l.includes(label)))
      return line === undefined ? 0 : Number(line.split(' ').at(-1))
    }
    const excluded = await metric('reason="self_excluded"', 'path="recommendation"')
    const optedOut = await metric('reason="marketing_opt_out"', 'path="slip"')
    await put(user, { self_excluded_until: FAR_FUTURE })
    await t.client.get(`/recommendation/${user}`)
    await t.client.get(`/recommendation/${user}?algorithm=trending`)
    await put(user, { self_excluded_until: null, marketing_opt_out: true })
    await t.client.post('/recommendation/slip', { user_id: user, selections: [{ event_id: events.a }] })
    expect(await metric('reason="self_excluded"', 'path="recommendation"')).toBe(excluded + 2)
    expect(await metric('reason="marketing_opt_out"', 'path="slip"')).toBe(optedOut + 1)
  })
})
