// SPEC §Entities/Event and §Main API: POST /events and GET /events/{event_id}, field rules, participants, replays.
import { describe, expect, it } from 'vitest'
import { useTestApi } from '../../helpers/api.ts'
import { dialects } from '../../helpers/database.ts'
import { countRows, eventBody } from '../../helpers/records.ts'

describe.each(dialects)('events on %s', (dialect) => {
  const t = useTestApi(dialect)
  let nextId = 5000
  const freshId = () => nextId++

  it('stores an event and answers it with id and participants_id; GET answers the same object', async () => {
    const id = freshId()
    const res = await t.client.post('/events', eventBody({
      id, begin_timestamp: '2024-02-03 20:48:20.438447', end_timestamp: '2024-02-03T22:48:20.5+00:00', participants: ['A', 'B', 'C']
    }))
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      id,
      begin_timestamp: '2024-02-03T20:48:20.438447Z',
      end_timestamp: '2024-02-03T22:48:20.500000Z',
      country: 'England',
      league: 'Premier League',
      sport: 'football',
      participants: ['A', 'B', 'C'],
      participants_id: expect.any(Number)
    })
    expect((await t.client.get(`/events/${id}`)).body).toEqual(res.body)
  })

  it('assigns distinct ids when the client sends none', async () => {
    const ids = new Set<number>()
    for (let i = 0; i < 10; i++) ids.add((await t.client.post('/events', eventBody())).body.id)
    expect(ids.size).toBe(10)
  })

  it('accepts event_id as an alias, numeric strings, and id 0', async () => {
    const a = freshId(); const b = freshId()
    expect((await t.client.post('/events', eventBody({ event_id: a }))).body.id).toBe(a)
    expect((await t.client.post('/events', eventBody({ event_id: String(b), id: b }))).body.id).toBe(b)
    expect((await t.client.post('/events', eventBody({ id: '0' }))).body.id).toBe(0)
    expect((await t.client.get('/events/0')).status).toBe(200)
  })

  it('refuses id and event_id that disagree', async () => {
    const res = await t.client.post('/events', eventBody({ id: 1, event_id: '2' }))
    expect(res.status).toBe(422)
    expect(res.body.detail).toContain('body.event_id')
  })

  it('accepts ?gen_recommendations= spelled as the seed accepts a boolean, and refuses other words', async () => {
    for (const flag of ['false', 'true', 'False', 'True', '0', '1', 'no', 'YES', 'off', 'On']) {
      const res = await t.client.post(`/events?gen_recommendations=${flag}`, eventBody())
      expect(res.status).toBe(200)
      expect((await t.client.get(`/events/${res.body.id as number}`)).status).toBe(200)
    }
    const refused = await t.client.post('/events?gen_recommendations=maybe', eventBody())
    expect(refused.status).toBe(422)
    expect(refused.body.detail).toContain('gen_recommendations')
  })

  it('converts begin and end with offsets to UTC', async () => {
    const res = await t.client.post('/events', eventBody({ begin_timestamp: '2024-03-31T01:30:00+02:00', end_timestamp: '2024-03-30T23:45:00.000001-01:00' }))
    expect(res.status).toBe(200)
    expect(res.body.begin_timestamp).toBe('2024-03-30T23:30:00.000000Z')
    expect(res.body.end_timestamp).toBe('2024-03-31T00:45:00.000001Z')
  })

  it('accepts an event that ends when it begins, refuses one that ends before', async () => {
    expect((await t.client.post('/events', eventBody({ begin_timestamp: '2024-01-01T10:00:00Z', end_timestamp: '2024-01-01 10:00:00' }))).status).toBe(200)
    const res = await t.client.post('/events', eventBody({ begin_timestamp: '2024-01-01T10:00:00Z', end_timestamp: '2024-01-01T09:59:59.999999Z' }))
    expect(res.status).toBe(422)
    expect(res.body.detail).toContain('body.end_timestamp')
    // Same instants written in different zones: 11:00+02:00 is 09:00Z, before 10:00Z.
    expect((await t.client.post('/events', eventBody({ begin_timestamp: '2024-01-01T10:00:00Z', end_timestamp: '2024-01-01T11:00:00+02:00' }))).status).toBe(422)
  })

  it.each(['begin_timestamp', 'end_timestamp'])('refuses an invalid or missing %s', async (field) => {
    for (const value of ['2024-02-30T10:00:00', 'soon', 17, null]) {
      const res = await t.client.post('/events', eventBody({ [field]: value }))
      expect(res.status, `${field}=${String(value)}`).toBe(422)
      expect(res.body.detail).toContain(`body.${field}`)
    }
    const body = eventBody()
    delete body[field]
    const res = await t.client.post('/events', body)
    expect(res.status).toBe(422)
    expect(res.body.detail).toContain(`body.${field}`)
  })

  it.each(['country', 'league', 'sport'])('requires %s to be a non-empty string', async (field) => {
    for (const value of ['', '   ', 5, null, ['x']]) {
      const res = await t.client.post('/events', eventBody({ [field]: value }))
      expect(res.status, `${field}=${JSON.stringify(value)}`).toBe(422)
      expect(res.body.detail).toContain(`body.${field}`)
    }
  })

  it.each([
    ['one name', ['Solo']],
    ['no names', []],
    ['the same name twice', ['Same', 'Same']],
    ['an empty name', ['A', '']],
    ['a blank name', ['A', '  ']],
    ['a non-string name', ['A', 7]],
    ['not an array', 'A vs B']
  ])('refuses participants with %s', async (_name, participants) => {
    const res = await t.client.post('/events', eventBody({ participants }))
    expect(res.status).toBe(422)
    expect(res.body.detail).toContain('body.participants')
  })

  it('gives the same participants_id to the same list in the same order, another to another order', async () => {
    const names = [`Home ${freshId()}`, `Away ${freshId()}`]
    const first = await t.client.post('/events', eventBody({ participants: names }))
    const again = await t.client.post('/events', eventBody({ participants: [...names] }))
    const reversed = await t.client.post('/events', eventBody({ participants: [...names].reverse() }))
    const longer = await t.client.post('/events', eventBody({ participants: [...names, 'Third'] }))
    expect(again.body.participants_id).toBe(first.body.participants_id)
    expect(reversed.body.participants_id).not.toBe(first.body.participants_id)
    expect(longer.body.participants_id).not.toBe(first.body.participants_id)
    expect(reversed.body.participants).toEqual([...names].reverse())
    expect((await t.client.get(`/events/${reversed.body.id as number}`)).body.participants_id).toBe(reversed.body.participants_id)
  })

  it('names every bad field in detail', async () => {
    const res = await t.client.post('/events', { id: -1, begin_timestamp: 1, country: '', league: 2, participants: ['x'] })
    expect(res.status).toBe(422)
    for (const field of ['id', 'begin_timestamp', 'end_timestamp', 'country', 'league', 'sport', 'participants']) {
      expect(res.body.detail).toContain(`body.${field}`)
    }
  })

  it('ignores unknown fields', async () => {
    const res = await t.client.post('/events', eventBody({ venue: 'Wembley', odds: { home: 2 } }))
    expect(res.status).toBe(200)
    expect(res.body).not.toHaveProperty('venue')
    expect(res.body).not.toHaveProperty('odds')
  })

  it('answers 404 Event not found for an unknown event', async () => {
    const res = await t.client.get(`/events/${freshId()}`)
    expect(res.status).toBe(404)
    expect(res.body.detail).toBe('Event not found')
  })

  describe('replays', () => {
    it('answers an identical replay 200 with the same object and stores nothing new', async () => {
      const id = freshId()
      const body = eventBody({ id, participants: [`P${id}`, `Q${id}`] })
      const first = await t.client.post('/events', body)
      const events = await countRows(t.db.database.db, 'events')
      const participants = await countRows(t.db.database.db, 'participants')
      const second = await t.client.post('/events', { ...body, event_id: id, id: String(id), begin_timestamp: (body.begin_timestamp as string).replace('Z', '+00:00') })
      expect(second.status).toBe(200)
      expect(second.body).toEqual(first.body)
      expect(await countRows(t.db.database.db, 'events')).toBe(events)
      expect(await countRows(t.db.database.db, 'participants')).toBe(participants)
    })

    it.each([
      ['begin_timestamp', { begin_timestamp: '2020-01-01T00:00:00Z' }],
      ['end_timestamp', { end_timestamp: '2099-01-01T00:00:00Z' }],
      ['country', { country: 'Spain' }],
      ['league', { league: 'La Liga' }],
      ['sport', { sport: 'tennis' }],
      ['participants', { participants: ['Away FC', 'Home FC'] }]
    ])('answers 409 when %s differs, keeping the first version and storing nothing', async (field, change) => {
      const id = freshId()
      const first = await t.client.post('/events', eventBody({ id }))
      const participants = await countRows(t.db.database.db, 'participants')
      const res = await t.client.post('/events', eventBody({ id, ...change }))
      expect(res.status).toBe(409)
      expect(res.body.detail).toContain(field)
      expect((await t.client.get(`/events/${id}`)).body).toEqual(first.body)
      expect(await countRows(t.db.database.db, 'participants')).toBe(participants)
    })
  })
})
