// Responsible-gambling changes through gateway -> Kafka (users topic, keyed by user id) -> consumers -> API,
// on the run's real broker, on SQLite and PostgreSQL: they take effect once stored, in order, replays add
// nothing, and a change for a user that never arrives is retried, then dead-lettered with the reason.
import { afterEach, describe, expect, it } from 'vitest'
import { dialects } from '../helpers/database.ts'
import { eventually, startPipeline, type Pipeline } from '../helpers/pipeline.ts'
import { eventBody, isoAt, userBody } from '../helpers/records.ts'

describe.each(dialects)('responsible gambling through Kafka on %s', (dialect) => {
  let p: Pipeline | undefined
  afterEach(async () => {
    await p?.close()
    p = undefined
  })

  const get = async (url: string) => {
    const res = await (p as Pipeline).api.inject({ url })
    return { status: res.statusCode, body: res.json() }
  }

  it('applies changes in order after the user they follow, withholds the next GET, and ignores a replayed change id', async () => {
    p = await startPipeline(dialect)
    const user = 31
    // The user and open events first, then changes: the user's record and its changes share a key.
    expect((await p.post('/users', userBody({ user_id: user }))).status).toBe(202)
    expect((await p.post('/events', eventBody({ event_id: 41 }, Date.now(), 5))).status).toBe(202)
    expect((await p.post('/events', eventBody({ event_id: 42, participants: ['Home FC', 'Third FC'] }, Date.now(), 8))).status).toBe(202)
    const exclude = await p.put(`/users/${user}/responsible-gambling`, { self_excluded_until: '9999-12-31T00:00:00Z', reason: 'player request' })
    expect(exclude).toMatchObject({ status: 202, body: { topic: `${p.config.kafka.topicPrefix}users` } })
    expect(Number.isSafeInteger(exclude.body.id)).toBe(true)
    const withheld = await eventually(() => get(`/recommendation/${user}`), (r) => r.status === 200 && r.body[0].withheld === 'self_excluded')
    expect(withheld.body[0].events).toEqual([])

    // The same change again (as a client resending after a timeout would): nothing changes.
    const replay = await p.put(`/users/${user}/responsible-gambling`, { self_excluded_until: '9999-12-31T00:00:00Z', change_id: exclude.body.id })
    expect(replay.body.id).toBe(exclude.body.id)
    await p.put(`/users/${user}/responsible-gambling`, { self_excluded_until: null, marketing_opt_out: true, reason: 'review' })
    await p.put(`/users/${user}/responsible-gambling`, { marketing_opt_out: true })
    const state = await eventually(() => get(`/users/${user}/responsible-gambling`), (r) => r.status === 200 && r.body.self_excluded_until === null)
    expect(state.body).toMatchObject({ self_excluded: false, marketing_opt_out: true })
    expect(state.body.history.map((h: any) => [h.source, h.reason, h.changes.map((c: any) => `${c.field}:${String(c.old)}->${String(c.new)}`)])).toEqual([
      ['gateway', 'player request', ['self_excluded_until:null->9999-12-31T23:59:59.999999Z']],
      ['gateway', 'review', ['self_excluded_until:9999-12-31T23:59:59.999999Z->null', 'marketing_opt_out:false->true']]
    ])
    expect(state.body.history[0].change_id).toBe(exclude.body.id)
    const optedOut = (await get(`/recommendation/${user}`)).body[0]
    expect(optedOut).toMatchObject({ withheld: null, personalised: false })
    expect(optedOut.events.map((e: { id: number }) => e.id)).toEqual([41, 42])
  })

  it('retries a change for a user not stored yet, applies it once the user arrives, and dead-letters one whose user never does', async () => {
    p = await startPipeline(dialect, { RETRY_WINDOW_MS: 10_000 })
    const late = await p.put('/users/51/responsible-gambling', { marketing_opt_out: true })
    expect(late.status).toBe(202)
    const never = await p.put('/users/52/responsible-gambling', { self_excluded_until: isoAt(Date.now(), 24), reason: 'never stored' })
    expect(never.status).toBe(202)
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect((await p.post('/users', userBody({ user_id: 51 }))).status).toBe(202)
    const applied = await eventually(() => get('/users/51/responsible-gambling'), (r) => r.status === 200 && r.body.marketing_opt_out === true)
    expect(applied.body.history).toHaveLength(1)
    const [dead] = await p.deadLetters('users', 1, 60_000)
    expect(dead?.key).toBe('52')
    expect(JSON.parse(dead?.value ?? '{}')).toMatchObject({ op: 'responsible_gambling', data: { user_id: 52, reason: 'never stored', change_id: never.body.id } })
    expect(dead?.headers['x-dlq-reason']).toContain('User not found')
    expect((await get('/users/52/responsible-gambling')).status).toBe(404)
  })

  it('refuses an invalid change at the gateway before it reaches Kafka', async () => {
    p = await startPipeline(dialect)
    const invalid = await p.put('/users/7/responsible-gambling', { marketing_opt_out: 'please' })
    expect(invalid.status).toBe(422)
    expect(invalid.body.detail).toContain('body.marketing_opt_out')
    expect((await p.put('/users/7/responsible-gambling', {})).body.detail).toContain('must set self_excluded_until or marketing_opt_out')
    expect((await p.put('/users/x/responsible-gambling', { marketing_opt_out: true })).status).toBe(422)
    expect(await p.deadLetters('users', 1, 1500)).toEqual([])
  })
})
